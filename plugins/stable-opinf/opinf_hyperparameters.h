#pragma once
// Hyperparameter schema of the stable-opinf plugin (both variants) and its version string.
#include <nlohmann/json.hpp>

namespace sd::opinf {

inline constexpr const char* kPluginId = "stable-opinf";
inline constexpr const char* kPluginVersion = "0.2.0";

/// The schema (format: core/model/hyperparameters.h).
const nlohmann::json& hyperparameterSchema();

}  // namespace sd::opinf
