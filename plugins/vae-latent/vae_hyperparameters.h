#pragma once
// Hyperparameter schema of the vae-latent plugin (variants "stable" and "naive"), its id and version.
// Defaults (docs/methods/vae-latent.md §9): a small version of the reference code's setup (its 320×240 frames,
// 320-d latent and 150 epochs are far too large for interactive CPU training); loss weights and the Euler step
// as in the reference (docs/methods/vae-latent.md §4.2, §7).
#include <nlohmann/json.hpp>

namespace sd::vae {

inline constexpr const char* kPluginId = "vae-latent";
inline constexpr const char* kPluginVersion = "0.1.0";

/// The schema (format: core/model/hyperparameters.h).
const nlohmann::json& hyperparameterSchema();

}  // namespace sd::vae
