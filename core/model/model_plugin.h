#pragma once
// sd::model::ModelPlugin — the immutable description and factory of one learning method.
//
// A plugin is a Qt plugin (QObject + this interface) with embedded JSON metadata (see
// docs/ARCHITECTURE.md, "Plugins"). The IID carries the major API version; the host compares it, and
// validates the metadata, before the library is loaded (PluginHost). ApiVersion in the metadata is the
// minor, additive API level.
//
// API 2 (this header): Model::certify() returns the typed Certificate (core/model/certificate.h) and
// Model::lyapunovDecreaseRate() states α; plugins say whether they draw random models (isRandomisable,
// createRandomised) instead of the app setting a seed hyperparameter.
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <QtPlugin>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#define SD_MODEL_PLUGIN_IID "org.stabledyn.studio.ModelPlugin/2"

namespace sd::model {

/// The host's API levels: plugins must declare MinApiVersion <= ApiVersion <= CurrentApiVersion.
inline constexpr int kMinPluginApiVersion = 1;
inline constexpr int kCurrentPluginApiVersion = 1;

/// Seeds of ModelPlugin::createRandomised are 0 … kMaxRandomSeed (what a 32-bit signed int field shows).
inline constexpr std::uint64_t kMaxRandomSeed = 2147483647;

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

    // ---- randomisation (optional) --------------------------------------------------------------------
    /// True when an untrained model is a random draw of the method, so a fresh draw is worth showing
    /// (lyapunov-net, vae-latent: "random networks are stable by construction"). Plugins whose untrained
    /// models do not depend on a seed return false (the default).
    virtual bool isRandomisable() const { return false; }

    /// An untrained model as create(hyper, info) makes, with its initial parameters drawn from `seed`
    /// (0 ≤ seed ≤ kMaxRandomSeed): the same seed gives a bit-identical model, different seeds different
    /// ones. The plugin records the seed in the model's hyperparameters(), so the model's document
    /// re-creates it. Throws sd::Error when the plugin is not randomisable, the seed is out of range, or
    /// create() would throw.
    virtual std::unique_ptr<Model> createRandomised(const nlohmann::json& hyper, const data::DatasetInfo& info,
                                                    std::uint64_t seed) const {
        (void)hyper;
        (void)info;
        (void)seed;
        throw Error("plugin '" + id() + "'", "does not draw random models (isRandomisable() is false)");
    }
};

}  // namespace sd::model

Q_DECLARE_INTERFACE(sd::model::ModelPlugin, SD_MODEL_PLUGIN_IID)
