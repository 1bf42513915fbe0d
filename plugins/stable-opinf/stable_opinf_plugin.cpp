#include "plugins/stable-opinf/stable_opinf_plugin.h"

#include "core/model/hyperparameters.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"

namespace sd::opinf {

std::string StableOpInfPlugin::id() const { return kPluginId; }

nlohmann::json StableOpInfPlugin::hyperparameterSchema() const { return opinf::hyperparameterSchema(); }

std::unique_ptr<model::Model> StableOpInfPlugin::create(const nlohmann::json& hyper, const data::DatasetInfo& info) const {
    return std::make_unique<OpInfModel>(model::validateHyperparameters(opinf::hyperparameterSchema(), hyper), info);
}

std::unique_ptr<model::Model> StableOpInfPlugin::load(const nlohmann::json& doc) const { return OpInfModel::fromJson(doc); }

}  // namespace sd::opinf
