#pragma once
// The Qt plugin object of lyapunov-net: metadata + factory, no state (models live in LyapunovNetModel).
#include "core/model/model_plugin.h"

#include <QObject>

namespace sd::lyapnet {

class LyapunovNetPlugin : public QObject, public model::ModelPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SD_MODEL_PLUGIN_IID FILE "lyapunov_net.json")
    Q_INTERFACES(sd::model::ModelPlugin)

public:
    std::string id() const override;
    nlohmann::json hyperparameterSchema() const override;
    std::unique_ptr<model::Model> create(const nlohmann::json& hyper, const data::DatasetInfo& info) const override;
    std::unique_ptr<model::Model> load(const nlohmann::json& doc) const override;
    /// Untrained models are random draws: the seed is hyperparameter init_seed.
    bool isRandomisable() const override { return true; }
    std::unique_ptr<model::Model> createRandomised(const nlohmann::json& hyper, const data::DatasetInfo& info,
                                                   std::uint64_t seed) const override;
};

}  // namespace sd::lyapnet
