#include "app/studio/studio_context.h"

namespace sd::studio {

StudioContext::StudioContext(QObject* parent) : QObject(parent), host_(std::make_unique<model::PluginHost>()) {}
StudioContext::~StudioContext() = default;

void StudioContext::setDataset(LoadedDataset loaded) {
    data_ = std::move(loaded);
    emit datasetChanged();
}

void StudioContext::setSplits(const std::map<std::string, std::vector<int>>& splits) {
    if (!data_.dataset) return;
    auto copy = std::make_shared<data::Dataset>(*data_.dataset);
    copy->splits = splits;
    data_.dataset = std::move(copy);
    emit datasetChanged();
}

void StudioContext::setTrainingSplits(const std::string& train, const std::string& validation) {
    trainSplit_ = train;
    validationSplit_ = validation;
}

void StudioContext::setPlugin(const std::string& pluginId) {
    if (pluginId == pluginId_) return;
    pluginId_ = pluginId;
    emit pluginChanged();
}

const model::LoadedPlugin* StudioContext::plugin() const { return host_->find(pluginId_); }

void StudioContext::setModel(std::shared_ptr<const model::Model> model, const QString& label, ModelProvenance provenance) {
    model_ = std::move(model);
    modelLabel_ = label;
    provenance_ = std::move(provenance);
    emit modelChanged();
}

ModelDataFit StudioContext::modelDataFit() const {
    ModelDataFit fit;
    const auto& ds = data_.dataset;
    if (!model_ || !ds) return fit;
    const auto dims = model_->dims();
    QStringList problems;
    // Input/output models (ren) have an internal state of their own size; the others map data states.
    const bool internalState = !model_->isContinuous() && dims.output > 0;
    if (!internalState && dims.state != ds->stateDim())
        problems << QString("state %1 vs %2").arg(dims.state).arg(ds->stateDim());
    if (dims.input != ds->inputDim()) problems << QString("input %1 vs %2").arg(dims.input).arg(ds->inputDim());
    if (dims.output > 0 && dims.output != ds->outputDim()) problems << QString("output %1 vs %2").arg(dims.output).arg(ds->outputDim());
    if (!problems.isEmpty()) {
        fit.dimensionsMatch = false;
        fit.message = QString("The current model (%1) does not fit the loaded data '%2': dimensions differ (%3).")
                          .arg(modelLabel_, QString::fromStdString(ds->name), problems.join(", "));
        return fit;
    }
    if (!provenance_.datasetSha.empty() && !ds->sha256.empty() && provenance_.datasetSha != ds->sha256) {
        fit.sameData = false;
        fit.message = QString("The current model (%1) was trained on '%2', not on the loaded data '%3'.")
                          .arg(modelLabel_, QString::fromStdString(provenance_.datasetName), QString::fromStdString(ds->name));
    }
    return fit;
}

std::string StudioContext::heldOutSplit() const {
    const auto& ds = data_.dataset;
    if (!ds) return {};
    if (!validationSplit_.empty() && ds->splits.count(validationSplit_)) return validationSplit_;
    if (ds->splits.count("test")) return "test";
    return {};
}

}  // namespace sd::studio
