// The Qt plugin wrapper of the test-only linear model (written to <build>/test-plugins/app, never to the
// real plugin folder, so the studio does not list it).
#include "core/model/hyperparameters.h"
#include "core/model/model_plugin.h"
#include "linear_model.h"

#include <QObject>

class LinearTestPlugin : public QObject, public sd::model::ModelPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SD_MODEL_PLUGIN_IID FILE "linear_test_plugin.json")
    Q_INTERFACES(sd::model::ModelPlugin)
public:
    std::string id() const override { return "test-linear"; }
    nlohmann::json hyperparameterSchema() const override { return sd::testing::linearModelSchema(); }
    std::unique_ptr<sd::model::Model> create(const nlohmann::json& hyper, const sd::data::DatasetInfo& info) const override {
        const auto valid = sd::model::validateHyperparameters(sd::testing::linearModelSchema(), hyper);
        return std::make_unique<sd::testing::LinearModel>(valid, sd::model::ModelDims{info.stateDim, info.inputDim, 0});
    }
    std::unique_ptr<sd::model::Model> load(const nlohmann::json& doc) const override {
        return sd::testing::LinearModel::fromJson(doc);
    }
};

#include "linear_test_plugin.moc"
