#include "core/catalog/dataset_catalog.h"

#include "core/common/error.h"
#include "core/data/dataset_json.h"
#include "core/data/hashing.h"
#include "core/data/npz_pairs.h"
#include "core/systems/generator_registry.h"
#include "core/systems/pendulum.h"

#include <algorithm>
#include <cstdlib>

namespace sd::catalog {

namespace fs = std::filesystem;

fs::path DatasetCatalog::projectRoot() {
    if (const char* env = std::getenv("STABLEDYN_SOURCE_DIR")) return env;
#ifdef STABLEDYN_SOURCE_ROOT
    return STABLEDYN_SOURCE_ROOT;
#else
    return fs::current_path();
#endif
}

fs::path DatasetCatalog::registryDirectory() {
    if (const char* env = std::getenv("STABLEDYN_DATASETS")) return env;
    const fs::path inSource = projectRoot() / "datasets";
    if (fs::is_directory(inSource)) return inSource;
    return fs::path("/usr/share/stabledyn/datasets");
}

DatasetCatalog::DatasetCatalog(fs::path registryDir, std::vector<fs::path> dataRoots)
    : registryDir_(registryDir.empty() ? registryDirectory() : std::move(registryDir)),
      dataRoots_(dataRoots.empty() ? data::defaultDataRoots(projectRoot()) : std::move(dataRoots)) {
    if (fs::is_directory(registryDir_)) entries_ = data::loadRegistry(registryDir_);
}

data::BenchmarkAvailability DatasetCatalog::availability(const data::BenchmarkManifest& m) const {
    return data::checkAvailability(m, dataRoots_);
}

std::function<Eigen::MatrixXd(const Eigen::MatrixXd&)> DatasetCatalog::knownVectorField(const std::string& name) const {
    const auto* m = data::findBenchmark(entries_, name);
    if (!m) return {};
    int links = 0;
    if (m->generator && m->generator->name == "pendulum") {
        const auto& p = m->generator->params;
        links = p.contains("links") && p["links"].is_number_integer() ? p["links"].get<int>() : 1;
    } else if (std::find(m->tags.begin(), m->tags.end(), "pendulum") != m->tags.end() && m->stateNames.size() % 2 == 0) {
        links = static_cast<int>(m->stateNames.size() / 2);
    }
    if (links <= 0) return {};
    const auto pendulum = std::make_shared<systems::NLinkPendulum>(links);
    return [pendulum](const Eigen::MatrixXd& X) { return pendulum->derivatives(X); };
}

data::Dataset DatasetCatalog::open(const std::string& spec, const std::optional<data::CsvMapping>& csvMapping) const {
    if (spec.empty()) throw Error("dataset", "no dataset given");
    if (const auto* m = data::findBenchmark(entries_, spec)) {
        data::LoadBenchmarkOptions opt;
        opt.generator = systems::generateForManifest;
        data::Dataset ds = data::loadBenchmark(*m, dataRoots_, opt);
        if (ds.name.empty()) ds.name = m->name;
        return ds;
    }
    const fs::path path(spec);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        std::string names;
        for (const auto& e : entries_) names += (names.empty() ? "" : ", ") + e.name;
        throw Error(spec, "neither a file nor a registered dataset (registered: " + (names.empty() ? std::string("none") : names) + ")");
    }
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    data::Dataset ds;
    if (ext == ".json") {
        ds = data::loadDatasetJson(path);
    } else if (ext == ".npz") {
        ds = data::loadNpzPairs(path);
    } else if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
        if (!csvMapping) throw Error(spec, "CSV files need a column mapping (time, state, input, output columns)");
        ds = data::loadCsv(path, *csvMapping);
    } else {
        throw Error(spec, "unknown dataset file type '" + ext + "' (expected .json, .npz or .csv)");
    }
    if (ds.name.empty()) ds.name = path.stem().string();
    if (ds.sha256.empty()) ds.sha256 = data::sha256File(path);
    return ds;
}

}  // namespace sd::catalog
