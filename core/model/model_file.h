#pragma once
// Loading a model document or file so that every error names where it came from (docs/RELIABILITY.md,
// "Certificates and model files"): "m.json: schema_version: unsupported version 999",
// "m.json: parameters.A: does not match …", "session.json: board[2]: model: …".
#include "core/model/plugin_host.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

/// host.loadModel(doc) with every sd::Error located in `source` (a file name): plugins name the document
/// "model JSON", which is replaced by `source`; any other location is prefixed with it. JSON type errors and
/// allocation failures from sizes the plugin could not check first become sd::Error naming `source`.
std::unique_ptr<Model> loadModelFrom(const PluginHost& host, const nlohmann::json& doc, const std::string& source);

/// Reads a model file with the strict JSON reader (core/common/json_reader.h) and loads it; errors name the file.
std::unique_ptr<Model> loadModelFile(const PluginHost& host, const std::filesystem::path& path);

}  // namespace sd::model
