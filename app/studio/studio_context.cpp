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

void StudioContext::setModel(std::shared_ptr<const model::Model> model, const QString& label) {
    model_ = std::move(model);
    modelLabel_ = label;
    emit modelChanged();
}

}  // namespace sd::studio
