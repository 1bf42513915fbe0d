#pragma once
// Session files (JSON, format "stabledyn-session", version 1): where the data came from and its splits,
// the plugin and hyperparameters, the current model's full JSON document, the model board (every model
// with its JSON document) and each view's settings.
// Loading a session reloads the data from its reference (the data itself is never copied into it).
#include "app/studio/dataset_reference.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sd::studio {

inline constexpr const char* kSessionFormat = "stabledyn-session";
inline constexpr int kSessionVersion = 1;

struct Session {
    DatasetReference dataset;
    std::optional<std::map<std::string, std::vector<int>>> splits;   ///< only when changed from the data's own
    std::string trainSplit = "train", validationSplit = "validation";
    std::string pluginId;
    nlohmann::json hyperparameters = nlohmann::json::object();
    nlohmann::json model;             ///< Model::toJson() or null
    nlohmann::json views = nlohmann::json::object();   ///< view key → settings
    nlohmann::json board = nlohmann::json::array();    ///< the model board (ModelBoard::toJson)

    nlohmann::json toJson() const;
    /// Throws sd::Error("<source>: <field>", …) on a wrong format, version or field.
    static Session fromJson(const nlohmann::json& j, const std::string& source = "session");
};

/// Atomic write (pretty-printed JSON).
void saveSessionFile(const std::filesystem::path& path, const Session& session);
/// Throws sd::Error naming the file on I/O, syntax or content errors.
Session loadSessionFile(const std::filesystem::path& path);

}  // namespace sd::studio
