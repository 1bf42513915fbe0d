#pragma once
// Hyperparameter schema of the lyapunov-net plugin (variants "stable" and "simple"), its id and version.
// Defaults are the pendulum defaults listed with their sources in docs/methods/lyapunov-net.md §6.
#include <nlohmann/json.hpp>

namespace sd::lyapnet {

inline constexpr const char* kPluginId = "lyapunov-net";
inline constexpr const char* kPluginVersion = "0.1.0";

/// The schema (format: core/model/hyperparameters.h).
const nlohmann::json& hyperparameterSchema();

}  // namespace sd::lyapnet
