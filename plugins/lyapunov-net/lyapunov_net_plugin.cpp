#include "plugins/lyapunov-net/lyapunov_net_plugin.h"

#include "core/model/hyperparameters.h"
#include "plugins/lyapunov-net/lyapunov_hyperparameters.h"
#include "plugins/lyapunov-net/lyapunov_net_model.h"

namespace sd::lyapnet {

std::string LyapunovNetPlugin::id() const { return kPluginId; }

nlohmann::json LyapunovNetPlugin::hyperparameterSchema() const { return lyapnet::hyperparameterSchema(); }

std::unique_ptr<model::Model> LyapunovNetPlugin::create(const nlohmann::json& hyper, const data::DatasetInfo& info) const {
    return std::make_unique<LyapunovNetModel>(model::validateHyperparameters(lyapnet::hyperparameterSchema(), hyper), info);
}

std::unique_ptr<model::Model> LyapunovNetPlugin::load(const nlohmann::json& doc) const { return LyapunovNetModel::fromJson(doc); }

std::unique_ptr<model::Model> LyapunovNetPlugin::createRandomised(const nlohmann::json& hyper, const data::DatasetInfo& info,
                                                  std::uint64_t seed) const {
    nlohmann::json seeded = hyper.is_object() ? hyper : nlohmann::json::object();
    seeded["init_seed"] = seed;   // the schema's range is 0 … kMaxRandomSeed; validation names the key otherwise
    return create(seeded, info);
}

}  // namespace sd::lyapnet
