#include "plugins/vae-latent/vae_latent_plugin.h"

#include "core/model/hyperparameters.h"
#include "plugins/vae-latent/vae_hyperparameters.h"
#include "plugins/vae-latent/vae_latent_model.h"

namespace sd::vae {

std::string VaeLatentPlugin::id() const { return kPluginId; }

nlohmann::json VaeLatentPlugin::hyperparameterSchema() const { return vae::hyperparameterSchema(); }

std::unique_ptr<model::Model> VaeLatentPlugin::create(const nlohmann::json& hyper, const data::DatasetInfo& info) const {
    return std::make_unique<VaeLatentModel>(model::validateHyperparameters(vae::hyperparameterSchema(), hyper), info);
}

std::unique_ptr<model::Model> VaeLatentPlugin::load(const nlohmann::json& doc) const { return VaeLatentModel::fromJson(doc); }

std::unique_ptr<model::Model> VaeLatentPlugin::createRandomised(const nlohmann::json& hyper, const data::DatasetInfo& info,
                                                  std::uint64_t seed) const {
    nlohmann::json seeded = hyper.is_object() ? hyper : nlohmann::json::object();
    seeded["init_seed"] = seed;   // the schema's range is 0 … kMaxRandomSeed; validation names the key otherwise
    return create(seeded, info);
}

}  // namespace sd::vae
