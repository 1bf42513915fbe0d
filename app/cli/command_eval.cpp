// `stabledyn eval --model model.json --data D [--split test] [--washout N]` → metrics as JSON, and
// `stabledyn simulate --model model.json (--data D [--split S] [--trajectory i] | --x0 a,b --t-end T
//  [--samples K] [--input v1,v2]) [--out file.csv]`, and
// `stabledyn field --model model.json --points P.npz [--lyapunov] [--out F.npz]`.
#include "cli_context.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/model/evaluation.h"
#include "core/data/npz.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"

#include <iomanip>
#include <sstream>

namespace sd::cli {

using nlohmann::json;

namespace {

Eigen::VectorXd parseVector(const std::string& s, const std::string& where) {
    std::vector<double> v;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const double x = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0') throw Error(where, "expected comma-separated numbers, found \"" + s + "\"");
        v.push_back(x);
    }
    return Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

json rows(const Eigen::MatrixXd& m) {
    json out = json::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        json r = json::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j) r.push_back(jsonNumber(m(i, j)));
        out.push_back(r);
    }
    return out;
}

}  // namespace

int runEval(int argc, char** argv) {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"model", true, false, ""}, {"split", true, false, ""}, {"washout", true, false, ""}});
    const Args args(argc, argv, 2, specs);
    model::PluginHost host;
    scanPlugins(host, args);
    const auto m = model::loadModelFile(host, args.require("model"));
    const catalog::DatasetCatalog catalog;
    const data::Dataset ds = openDataset(args, catalog);
    const std::string split = args.get("split", ds.hasSplit("test") ? "test" : "");
    const auto report = model::evaluate(*m, ds, split, args.getInt("washout", 0));
    json out = report.toJson();
    out["model"] = args.get("model");
    out["plugin"] = m->pluginId();
    out["variant"] = m->variant();
    out["dataset"] = ds.name;
    printJson(out);
    return 0;
}

int runSimulate(int argc, char** argv) {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"model", true, false, ""}, {"split", true, false, ""}, {"trajectory", true, false, ""},
                               {"x0", true, false, ""}, {"t-end", true, false, ""}, {"samples", true, false, ""},
                               {"input", true, false, ""}, {"out", true, false, ""}});
    const Args args(argc, argv, 2, specs);
    model::PluginHost host;
    scanPlugins(host, args);
    const auto m = model::loadModelFile(host, args.require("model"));
    data::Trajectory tr;
    if (args.has("data")) {
        const catalog::DatasetCatalog catalog;
        const data::Dataset ds = openDataset(args, catalog);
        const auto set = ds.split(args.get("split", ""), /*fallbackToAll=*/true);
        const long long i = args.getInt("trajectory", 0);
        if (i < 0 || i >= static_cast<long long>(set.size()))
            throw Error("option --trajectory", "index " + std::to_string(i) + " out of range (0.." + std::to_string(set.size()) + ")");
        tr = *set[static_cast<std::size_t>(i)];
    } else {
        const Eigen::VectorXd x0 = parseVector(args.require("x0"), "option --x0");
        const double tEnd = args.getDouble("t-end", 10.0);
        const auto K = static_cast<Eigen::Index>(args.getInt("samples", 1001));
        if (K < 2 || !(tEnd > 0)) throw Error("option --samples/--t-end", "need at least 2 samples over a positive time span");
        tr.id = "simulation";
        tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, tEnd);
        tr.x = x0;
        const Eigen::Index nu = m->dims().input;
        const Eigen::VectorXd u = args.has("input") ? parseVector(args.get("input"), "option --input") : Eigen::VectorXd::Zero(nu);
        if (u.size() != nu) throw Error("option --input", "the model has " + std::to_string(nu) + " inputs");
        tr.u = u.replicate(1, K);
    }
    const auto p = m->predict(tr);
    if (args.has("out")) {
        std::ostringstream csv;
        csv << std::setprecision(17) << "t";
        for (Eigen::Index i = 0; i < p.x.rows(); ++i) csv << ",x" << i + 1;
        for (Eigen::Index i = 0; i < p.y.rows(); ++i) csv << ",y" << i + 1;
        csv << "\n";
        for (Eigen::Index k = 0; k < tr.t.size(); ++k) {
            csv << tr.t[k];
            for (Eigen::Index i = 0; i < p.x.rows(); ++i) csv << "," << p.x(i, k);
            for (Eigen::Index i = 0; i < p.y.rows(); ++i) csv << "," << p.y(i, k);
            csv << "\n";
        }
        writeFileAtomic(args.get("out"), csv.str());
    }
    json t = json::array();
    for (Eigen::Index k = 0; k < tr.t.size(); ++k) t.push_back(tr.t[k]);
    // diverged: left the bounded region; stalled: the integrator gave up while bounded (its step limit);
    // rest_time: the trajectory entered the model's invariant rest set and holds its state from there.
    printJson({{"trajectory", tr.id}, {"diverged", p.diverged},
               {"divergence_time", jsonNumber(p.divergenceTime)},
               {"stalled", p.stalled}, {"stall_time", jsonNumber(p.stallTime)}, {"rest_time", jsonNumber(p.restTime)},
               {"t", t}, {"x", rows(p.x)}, {"y", rows(p.y)}});
    return 0;
}

// The points come as numpy writes them: X (B×nx, one point per row) and optional U (B×nu) in an .npz file.
int runField(int argc, char** argv) {
    const Args args(argc, argv, 2, {{"model", true, false, ""}, {"points", true, false, ""}, {"lyapunov", false, false, ""},
                                    {"out", true, false, ""}, {"plugin-dir", true, true, ""}});
    model::PluginHost host;
    scanPlugins(host, args);
    const auto m = model::loadModelFile(host, args.require("model"));
    const std::string pointsFile = args.require("points");
    const auto arrays = data::loadNpz(pointsFile);
    if (!arrays.count("X")) throw Error(pointsFile, "missing array \"X\" (points, one per row)");
    const Eigen::MatrixXd X = arrays.at("X").matrix().transpose();
    const auto dims = m->dims();
    if (X.rows() != dims.state)
        throw Error(pointsFile + ": X", "expected " + std::to_string(dims.state) + " columns (the model's states), found " + std::to_string(X.rows()));
    Eigen::MatrixXd U = Eigen::MatrixXd::Zero(dims.input, X.cols());
    if (arrays.count("U")) {
        U = arrays.at("U").matrix().transpose();
        if (U.rows() != dims.input || U.cols() != X.cols())
            throw Error(pointsFile + ": U", "expected " + std::to_string(X.cols()) + " rows of " + std::to_string(dims.input) + " inputs");
    }
    std::map<std::string, data::NpyArray> results{{"F", data::NpyArray::fromMatrix(m->field(X, U).transpose())}};
    if (args.has("lyapunov")) {
        results["V"] = data::NpyArray::fromMatrix(m->lyapunov(X).transpose());
        results["dV"] = data::NpyArray::fromMatrix(m->lyapunovGradient(X).transpose());
    }
    json out = {{"model", args.get("model")}, {"points", X.cols()}};
    if (args.has("out")) {
        data::saveNpz(args.get("out"), results);
        out["out"] = args.get("out");
    } else {
        for (const auto& [name, a] : results) out[name] = rows(a.matrix().transpose());
    }
    printJson(out);
    return 0;
}

}  // namespace sd::cli
