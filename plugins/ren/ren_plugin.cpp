#include "plugins/ren/ren_plugin.h"

#include "core/model/hyperparameters.h"
#include "plugins/ren/lbdn_model.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"

namespace sd::ren {

std::string RenPlugin::id() const { return kPluginId; }

nlohmann::json RenPlugin::hyperparameterSchema() const { return ren::hyperparameterSchema(); }

std::unique_ptr<model::Model> RenPlugin::create(const nlohmann::json& hyper, const data::DatasetInfo& info) const {
    nlohmann::json valid = model::validateHyperparameters(ren::hyperparameterSchema(), hyper);
    if (valid.at("model_class") == "lbdn") return std::make_unique<LbdnModel>(std::move(valid), info);
    return std::make_unique<RenModel>(std::move(valid), info);
}

std::unique_ptr<model::Model> RenPlugin::load(const nlohmann::json& doc) const {
    // The feed-forward class has its own model type (lbdn_model.h); everything else is a RenModel.
    if (LbdnModel::describes(doc)) return LbdnModel::fromJson(doc);
    return RenModel::fromJson(doc);
}

}  // namespace sd::ren
