// `stabledyn generate <system> [--param k=v]... [--seed N] --out file.{json,npz,csv}`
// and `stabledyn generate --list`.
#include "cli_context.h"
#include "core/common/error.h"
#include "core/data/csv.h"
#include "core/data/dataset_json.h"
#include "core/data/npz.h"
#include "core/systems/generator_registry.h"

#include <iostream>

namespace sd::cli {

using nlohmann::json;

namespace {

void saveDataset(const std::filesystem::path& out, const data::Dataset& ds) {
    const std::string ext = out.extension().string();
    if (ext == ".json") {
        data::saveDatasetJson(out, ds);
    } else if (ext == ".csv") {
        data::saveCsv(out, ds);
    } else if (ext == ".npz") {
        // NPZ holds (x, ẋ) pair arrays with samples as rows, like the pendulum parity sets.
        Eigen::Index K = 0;
        for (const auto& tr : ds.trajectories) K += tr.x.cols();
        Eigen::MatrixXd X(K, ds.stateDim()), Y(K, ds.stateDim());
        Eigen::Index row = 0;
        for (const auto& tr : ds.trajectories) {
            if (tr.dxdt.cols() != tr.x.cols()) throw Error(out.string(), "NPZ output needs state derivatives (use .json or .csv)");
            X.middleRows(row, tr.x.cols()) = tr.x.transpose();
            Y.middleRows(row, tr.x.cols()) = tr.dxdt.transpose();
            row += tr.x.cols();
        }
        data::saveNpz(out, {{"X", data::NpyArray::fromMatrix(X)}, {"Y", data::NpyArray::fromMatrix(Y)}});
    } else {
        throw Error(out.string(), "unknown output type '" + ext + "' (use .json, .csv or .npz)");
    }
}

}  // namespace

int runGenerate(int argc, char** argv) {
    const Args args(argc, argv, 2, {{"param", true, true, ""}, {"seed", true, false, ""}, {"out", true, false, ""}, {"list", false, false, ""}});
    if (args.has("list")) {
        json list = json::object();
        for (const auto& name : systems::generatorNames()) list[name] = systems::generatorParameters(name);
        printJson({{"generators", list}});
        return 0;
    }
    if (args.positional().size() != 1) throw Error("generate", "expected one system name (see stabledyn generate --list)");
    const std::string system = args.positional()[0];
    json params = json::object();
    for (const auto& kv : args.all("param")) {
        std::string value;
        const std::string key = splitKeyValue(kv, value, "option --param");
        params[key] = value;  // generators accept strings that parse as the declared type
    }
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    std::cerr << "generating " << system << " (seed " << seed << ")..." << std::endl;
    const data::Dataset ds = systems::generate(system, params, seed);
    const std::filesystem::path out = args.require("out");
    saveDataset(out, ds);
    json splits = json::object();
    for (const auto& [k, v] : ds.splits) splits[k] = v.size();
    printJson({{"out", out.string()}, {"name", ds.name}, {"source", ds.source}, {"sha256", ds.sha256},
               {"trajectories", ds.trajectories.size()}, {"samples", ds.totalSamples()}, {"states", ds.stateNames},
               {"inputs", ds.inputNames}, {"outputs", ds.outputNames}, {"dt", ds.dt}, {"splits", splits}});
    return 0;
}

}  // namespace sd::cli
