#pragma once
// Hyperparameter schema of the ren plugin (format: core/model/hyperparameters.h) and its version string.
#include <nlohmann/json.hpp>

namespace sd::ren {

inline constexpr const char* kPluginId = "ren";
inline constexpr const char* kPluginVersion = "0.1.0";

const nlohmann::json& hyperparameterSchema();

}  // namespace sd::ren
