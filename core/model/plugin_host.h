#pragma once
// sd::model::PluginHost — finds, validates and loads model plugins (QPluginLoader).
//
// Search path, in order, duplicates removed: explicit folders given to scan(); the environment variable
// STABLEDYN_PLUGIN_PATH (':'-separated); <applicationDirPath>/plugins and <applicationDirPath>/../plugins
// (build tree: bin/ beside plugins/); the install folder <prefix>/lib/stabledyn/plugins; the build
// tree's plugin folder compiled in as a last resort.
//
// For every *.so file the embedded metadata is read WITHOUT loading the library
// (QPluginLoader::metaData()), then checked: IID equal to SD_MODEL_PLUGIN_IID, required keys present
// and well-typed, kMinPluginApiVersion <= ApiVersion <= kCurrentPluginApiVersion, unique Id. Only then
// is instance() called; a null instance, a failed qobject_cast or an exception from the plugin's
// constructor is a load failure. Failures are recorded (never thrown, never fatal) and the scan goes on.
#include "core/model/model_plugin.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::model {

enum class PluginError { WrongIid, BadMetadata, ApiVersionTooOld, ApiVersionTooNew, DuplicateId, LoadFailed, ConstructorThrew, NotAModelPlugin };

/// Human-readable name of an error kind ("wrong IID", …).
std::string toString(PluginError e);

struct PluginFailure {
    std::string file;        ///< absolute path of the library
    PluginError kind;
    std::string message;     ///< "<file>: expected IID '…' but found '…'"
};

struct LoadedPlugin {
    std::string file;
    nlohmann::json metadata; ///< the plugin's JSON metadata (Id, Name, Version, ApiVersion, Capabilities, …)
    ModelPlugin* plugin = nullptr;   ///< owned by Qt's plugin instance (lives until the host is destroyed)
    std::string id() const;
    std::string version() const;
    std::vector<std::string> capabilities() const;
    bool hasCapability(const std::string& cap) const;
};

class PluginHost {
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// The ordered, de-duplicated search path for the given extra folders.
    static std::vector<std::filesystem::path> searchPath(const std::vector<std::filesystem::path>& extraDirs = {});

    /// Scans the search path (extraDirs first). May be called again; already loaded files are skipped.
    void scan(const std::vector<std::filesystem::path>& extraDirs = {});
    /// Validates and loads one library file. Returns true if it was loaded; otherwise the failure
    /// is appended to failures().
    bool loadFile(const std::filesystem::path& file);

    const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
    const std::vector<PluginFailure>& failures() const { return failures_; }

    /// The plugin with this Id, or nullptr.
    const LoadedPlugin* find(const std::string& id) const;
    /// Like find() but throws sd::Error("plugin '<id>'", "not found (loaded: a, b)").
    const LoadedPlugin& require(const std::string& id) const;

    /// Re-creates a model from its JSON document through the plugin named in it. Checks the document
    /// envelope (format, schema version) first. Throws sd::Error naming the field or plugin.
    std::unique_ptr<Model> loadModel(const nlohmann::json& doc) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::vector<LoadedPlugin> plugins_;
    std::vector<PluginFailure> failures_;
};

}  // namespace sd::model
