#include "plugins/ren/ren_plugin.h"

#include "core/model/hyperparameters.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"

namespace sd::ren {

std::string RenPlugin::id() const { return kPluginId; }

nlohmann::json RenPlugin::hyperparameterSchema() const { return ren::hyperparameterSchema(); }

std::unique_ptr<model::Model> RenPlugin::create(const nlohmann::json& hyper, const data::DatasetInfo& info) const {
    return std::make_unique<RenModel>(model::validateHyperparameters(ren::hyperparameterSchema(), hyper), info);
}

std::unique_ptr<model::Model> RenPlugin::load(const nlohmann::json& doc) const { return RenModel::fromJson(doc); }

}  // namespace sd::ren
