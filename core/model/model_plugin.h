#pragma once
// sd::model::ModelPlugin — the immutable description and factory of one learning method.
//
// A plugin is a Qt plugin (QObject + this interface) with embedded JSON metadata (see
// docs/ARCHITECTURE.md, "Plugins"). The IID carries the major API version; the host compares it, and
// validates the metadata, before the library is loaded (PluginHost). ApiVersion in the metadata is the
// minor, additive API level.
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <QtPlugin>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#define SD_MODEL_PLUGIN_IID "org.stabledyn.studio.ModelPlugin/1"

namespace sd::model {

/// The host's API levels: plugins must declare MinApiVersion <= ApiVersion <= CurrentApiVersion.
inline constexpr int kMinPluginApiVersion = 1;
inline constexpr int kCurrentPluginApiVersion = 1;

class ModelPlugin {
public:
    virtual ~ModelPlugin() = default;

    /// Stable id, equal to the metadata "Id" ("stable-opinf").
    virtual std::string id() const = 0;

    /// Hyperparameter schema (format in core/model/hyperparameters.h); drives the GUI form and CLI
    /// validation.
    virtual nlohmann::json hyperparameterSchema() const = 0;

    /// Creates an untrained model for data with the given dimensions. `hyper` is validated against
    /// the schema (defaults filled); throws sd::Error naming the offending key or dimension.
    virtual std::unique_ptr<Model> create(const nlohmann::json& hyper, const data::DatasetInfo& info) const = 0;

    /// Re-creates a model from its JSON document (Model::toJson). Throws sd::Error naming the field on
    /// wrong shapes, missing fields, a foreign plugin id or an unsupported schema version.
    virtual std::unique_ptr<Model> load(const nlohmann::json& doc) const = 0;
};

}  // namespace sd::model

Q_DECLARE_INTERFACE(sd::model::ModelPlugin, SD_MODEL_PLUGIN_IID)
