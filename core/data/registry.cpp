// loadBenchmark: a generated dataset from the generator the caller supplies, or the manifest's files,
// verified (benchmark_files.h) and turned into trajectories by the loader of its type (benchmark_loaders.h).
#include "core/data/registry.h"

#include "core/common/error.h"
#include "core/data/benchmark_files.h"
#include "core/data/benchmark_loaders.h"
#include "core/data/dataset_validate.h"
#include "core/data/hashing.h"

namespace sd::data {

namespace {

void checkSameChannels(const std::vector<std::string>& expected, Eigen::Index rows, const std::string& where,
                       const char* what) {
    if (rows != 0 && rows != static_cast<Eigen::Index>(expected.size()))
        throw Error(where, std::string("has ") + std::to_string(rows) + " " + what + ", expected " +
                               std::to_string(expected.size()));
}

// Every generator (the systems module's and the video textures) comes through options.generator; the
// manifest names the set, may give dt where the generator has none, and its splits (if any) name
// trajectories of the generated set.
Dataset loadGenerated(const BenchmarkManifest& m, const LoadBenchmarkOptions& opt, const std::string& where) {
    if (!opt.generator)
        throw Error(where, "generated dataset: needs generator \"" + m.generator->name +
                               "\" from the systems module, and none was supplied");
    Dataset gen = opt.generator(m.generator->name, m.generator->params);
    gen.name = m.name;
    if (gen.source.empty()) gen.source = "generator " + m.generator->name + " " + m.generator->params.dump();
    if (m.dt > 0.0 && gen.dt == 0.0) gen.dt = m.dt;
    for (const auto& [split, ids] : m.splits) {
        std::vector<int>& idx = gen.splits[split];
        idx.clear();
        for (const auto& id : ids)
            for (std::size_t i = 0; i < gen.trajectories.size(); ++i)
                if (gen.trajectories[i].id == id) idx.push_back(static_cast<int>(i));
    }
    validateDataset(gen, where);
    gen.sha256 = sha256Dataset(gen);
    return gen;
}

}  // namespace

Dataset loadBenchmark(const BenchmarkManifest& m, const std::vector<std::filesystem::path>& roots,
                      const LoadBenchmarkOptions& opt) {
    const std::string where = m.manifestPath.empty() ? "benchmark " + m.name : m.manifestPath.string();
    if (m.kind == BenchmarkKind::Generated) return loadGenerated(m, opt, where);

    const VerifiedBenchmarkFiles files = verifyBenchmarkFiles(m, roots, opt.verifyChecksums, where);
    Dataset ds;
    ds.name = m.name;
    ds.dt = m.dt;
    ds.stateNames = m.stateNames;
    ds.inputNames = m.inputNames;
    ds.outputNames = m.outputNames;
    const bool namesGiven = !m.stateNames.empty() || !m.inputNames.empty() || !m.outputNames.empty();
    std::map<std::string, std::vector<int>> indicesOf;   // manifest trajectory id → dataset indices

    BenchmarkLoadState state{m, ds, namesGiven, {}};
    const BenchmarkTrajectoryLoader loadEntry = benchmarkTrajectoryLoader(m.loader.type);
    for (const auto& bt : m.trajectories) {
        const std::filesystem::path& path = files.pathOf.at(bt.file);
        std::vector<Trajectory> loaded = loadEntry(bt, path, state);
        for (auto& tr : loaded) {
            const std::string trWhere = where + ": trajectory \"" + tr.id + "\" (" + path.string() + ")";
            checkSameChannels(ds.stateNames, tr.x.rows(), trWhere, "states");
            checkSameChannels(ds.inputNames, tr.u.rows(), trWhere, "inputs");
            checkSameChannels(ds.outputNames, tr.y.rows(), trWhere, "outputs");
            indicesOf[bt.id].push_back(static_cast<int>(ds.trajectories.size()));
            ds.trajectories.push_back(std::move(tr));
        }
    }
    for (const auto& [split, ids] : m.splits) {
        std::vector<int>& idx = ds.splits[split];
        for (const auto& id : ids)
            for (int i : indicesOf[id]) idx.push_back(i);
    }
    std::string source;
    for (const auto& [id, p] : files.pathOf) source += (source.empty() ? "" : "; ") + p.string();
    ds.source = source;
    ds.sha256 = files.sha256;
    validateDataset(ds, where);
    return ds;
}

}  // namespace sd::data
