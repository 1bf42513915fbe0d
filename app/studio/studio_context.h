#pragma once
// StudioContext — the state every dock and view shares: the plugin host, the current dataset, the chosen
// plugin and hyperparameters, and the current model snapshot. Views never own models; they render the
// immutable snapshot published here (a clone taken by the training worker, or the trained/imported model).
#include "app/studio/dataset_sources.h"
#include "core/model/model.h"
#include "core/model/plugin_host.h"

#include <QObject>
#include <QString>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::studio {

/// The data a model was trained on (empty: unknown, e.g. an untrained random model).
struct ModelProvenance {
    std::string datasetName, datasetSha;
};

/// Whether the current model can be shown on the loaded data, and why not.
struct ModelDataFit {
    bool dimensionsMatch = true;   ///< false: views cannot evaluate the model on this data
    bool sameData = true;          ///< false: trained on other data (views still work; flagged)
    QString message;               ///< "" when both hold
};

class StudioContext : public QObject {
    Q_OBJECT
public:
    explicit StudioContext(QObject* parent = nullptr);
    ~StudioContext() override;

    model::PluginHost& pluginHost() { return *host_; }
    const model::PluginHost& pluginHost() const { return *host_; }

    // ---- data ---------------------------------------------------------------------------------------
    void setDataset(LoadedDataset loaded);
    const LoadedDataset& loadedDataset() const { return data_; }
    std::shared_ptr<const data::Dataset> dataset() const { return data_.dataset; }
    bool hasDataset() const { return data_.dataset != nullptr; }
    /// Replaces the splits of the current dataset (copy-on-write; views are told through datasetChanged).
    void setSplits(const std::map<std::string, std::vector<int>>& splits);
    const std::string& trainSplit() const { return trainSplit_; }
    const std::string& validationSplit() const { return validationSplit_; }
    void setTrainingSplits(const std::string& train, const std::string& validation);

    // ---- plugin and hyperparameters ----------------------------------------------------------------
    void setPlugin(const std::string& pluginId);
    const std::string& pluginId() const { return pluginId_; }
    const model::LoadedPlugin* plugin() const;
    void setHyperparameters(const nlohmann::json& hyper) { hyper_ = hyper; }
    const nlohmann::json& hyperparameters() const { return hyper_; }

    // ---- model --------------------------------------------------------------------------------------
    /// Publishes a model snapshot to all views. `label` says where it came from ("run 2 · epoch 40"),
    /// `provenance` what it was trained on.
    void setModel(std::shared_ptr<const model::Model> model, const QString& label, ModelProvenance provenance = {});
    std::shared_ptr<const model::Model> model() const { return model_; }
    const QString& modelLabel() const { return modelLabel_; }
    const ModelProvenance& modelProvenance() const { return provenance_; }
    /// The current model against the loaded data (both present; otherwise everything "fits").
    ModelDataFit modelDataFit() const;
    /// The split views and scores use for held-out data: the chosen validation split if the data has it,
    /// else "test", else "" (all trajectories).
    std::string heldOutSplit() const;

signals:
    void datasetChanged();
    void pluginChanged();
    void modelChanged();

private:
    std::unique_ptr<model::PluginHost> host_;
    LoadedDataset data_;
    std::string trainSplit_ = "train", validationSplit_ = "validation";
    std::string pluginId_;
    nlohmann::json hyper_ = nlohmann::json::object();
    std::shared_ptr<const model::Model> model_;
    QString modelLabel_;
    ModelProvenance provenance_;
};

}  // namespace sd::studio
