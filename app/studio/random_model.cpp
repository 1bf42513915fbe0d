#include "app/studio/random_model.h"

#include "core/model/model_plugin.h"

#include <QRandomGenerator>
#include <algorithm>

namespace sd::studio {

namespace {
const nlohmann::json* initSeedSpec(const nlohmann::json& schema) {
    if (!schema.contains("params") || !schema["params"].is_array()) return nullptr;
    for (const auto& p : schema["params"])
        if (p.value("key", "") == "init_seed" && p.value("type", "") == "int") return &p;
    return nullptr;
}
}  // namespace

bool canRandomise(const nlohmann::json& schema) { return initSeedSpec(schema) != nullptr; }

QString randomiseUnavailableReason(const nlohmann::json& schema) {
    return canRandomise(schema) ? QString()
                                : QString("This plugin has no \"init_seed\" hyperparameter, so it cannot draw a new random model.");
}

data::DatasetInfo randomModelInfo(const data::Dataset* ds) {
    if (ds) return data::DatasetInfo::of(*ds);
    data::DatasetInfo info;
    info.name = "random 2-D state space";
    info.stateDim = 2;
    info.stateNames = {"x1", "x2"};
    return info;
}

std::uint64_t newInitSeed(const nlohmann::json& schema, std::uint64_t previous) {
    const nlohmann::json* spec = initSeedSpec(schema);
    const std::int64_t lo = spec ? std::max<std::int64_t>(0, spec->value("min", std::int64_t{0})) : 0;
    const std::int64_t hi = spec ? std::max<std::int64_t>(lo + 1, spec->value("max", std::int64_t{2147483647})) : 2147483647;
    for (;;) {
        const auto seed = static_cast<std::uint64_t>(QRandomGenerator::global()->bounded(qint64(lo), qint64(hi) + 1));
        if (seed != previous || hi == lo) return seed;
    }
}

std::unique_ptr<model::Model> createRandomModel(const model::ModelPlugin& plugin, nlohmann::json hyper, std::uint64_t seed,
                                                const data::DatasetInfo& info) {
    hyper["init_seed"] = seed;
    return plugin.create(hyper, info);
}

}  // namespace sd::studio
