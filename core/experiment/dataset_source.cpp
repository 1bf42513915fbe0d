#include "core/experiment/dataset_source.h"

#include "core/common/error.h"
#include "core/data/hashing.h"
#include "core/systems/generator_registry.h"

namespace sd::experiment {

using nlohmann::json;

data::Dataset openDataset(const DatasetSpec& spec, const std::filesystem::path& baseDir, const catalog::DatasetCatalog& catalog,
                          const Extensions& extensions, std::uint64_t cellSeed) {
    if (spec.inMemory) return *spec.inMemory;
    const std::string where = "dataset '" + spec.name + "'";
    const json& s = spec.source;
    if (s.contains("in_memory")) throw Error(where, "was in the studio's memory when the plan ran; it cannot be opened again");
    data::Dataset ds;
    if (s.contains("generate")) {
        ds = systems::generate(s["generate"].get<std::string>(), s.value("params", json::object()),
                                 spec.seedFollowsCell() ? cellSeed : s.value("seed", std::uint64_t{0}));
    } else if (s.contains("registry")) {
        const std::string name = s["registry"].get<std::string>();
        bool known = false;
        for (const auto& e : catalog.entries()) known = known || e.name == name;
        if (!known) throw Error(where, "'" + name + "' is not in the dataset registry (stabledyn datasets lists it)");
        ds = catalog.open(name);
    } else {
        std::string path = s.contains("file") ? s["file"].get<std::string>() : s["open"].get<std::string>();
        const std::filesystem::path p(path);
        // "open" may be a registry name; a relative file path is relative to the plan's folder.
        if (p.is_relative() && !baseDir.empty() && (s.contains("file") || std::filesystem::exists(baseDir / p))) path = (baseDir / p).string();
        ds = catalog.open(path);
    }
    if (s.contains("transforms")) {
        for (std::size_t i = 0; i < s["transforms"].size(); ++i) {
            const json& t = s["transforms"][i];
            const std::string tw = where + ".transforms[" + std::to_string(i) + "]";
            const TransformKind* kind = extensions.transform(t.value("kind", ""));
            if (!kind) throw Error(tw, "unknown transform '" + t.value("kind", "") + "'");
            kind->apply(ds, t, tw);
        }
        ds.sha256 = data::sha256Dataset(ds);
    }
    return ds;
}

DatasetCache::DatasetCache(const ExperimentPlan& plan, const Extensions& extensions) : plan_(plan), extensions_(extensions) {}

std::shared_ptr<const data::Dataset> DatasetCache::get(int index, std::uint64_t cellSeed) {
    const DatasetSpec& spec = plan_.datasets.at(static_cast<std::size_t>(index));
    const std::pair<int, std::uint64_t> key{index, spec.seedFollowsCell() ? cellSeed : 0};
    std::shared_future<std::shared_ptr<const data::Dataset>> load;
    std::promise<std::shared_ptr<const data::Dataset>> promise;
    bool mine = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = loads_.find(key);
        if (it == loads_.end()) {
            load = promise.get_future().share();
            loads_[key] = load;
            mine = true;
            if (!catalog_) {
                try {
                    catalog_ = std::make_unique<catalog::DatasetCatalog>();
                } catch (...) {
                    promise.set_exception(std::current_exception());
                    return load.get();
                }
            }
        } else {
            load = it->second;
        }
    }
    if (mine) {
        try {
            promise.set_value(std::make_shared<const data::Dataset>(
                openDataset(spec, plan_.baseDir, *catalog_, extensions_, key.second)));
        } catch (...) {
            promise.set_exception(std::current_exception());
        }
    }
    return load.get();
}

}  // namespace sd::experiment
