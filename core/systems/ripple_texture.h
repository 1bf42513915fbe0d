#pragma once
// The generated video texture of the video-texture experiment (docs/methods/vae-latent.md): rain ripples on
// water. Frames use the layout of core/data/video.h (a frame is a column of C·H·W values in [0, 1], C order).
#include "core/data/video.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sd::systems {

/// "ripples": rain on a water surface. A damped 2-D wave equation u_tt = c²∇²u − γ u_t on a periodic grid
/// (symplectic Euler, c·Δt/Δx = 0.5), with Gaussian drops at random places and times, rendered with a
/// directional light on the surface slope and a water tint. Stationary after the warm-up, deterministic
/// for a seed, and tileable.
struct RippleTextureOptions {
    Eigen::Index height = 64, width = 64;
    Eigen::Index frames = 300;
    Eigen::Index channels = 3;           ///< 3 (RGB) or 1 (gray)
    std::uint64_t seed = 0;
    Eigen::Index substeps = 2;           ///< wave steps per frame
    double damping = 0.02;               ///< γ per wave step
    double dropRate = 0.15;              ///< expected drops per frame
    double dropAmplitude = 1.5;
    double dropRadius = 3.0;             ///< Gaussian σ in pixels
    Eigen::Index warmup = 100;           ///< frames simulated before the first recorded one
    double fps = 25.0;
};
data::Video generateRippleTexture(const RippleTextureOptions& options);

/// Video generators usable from registry manifests (kind "generated", see generateForManifest in
/// generator_registry.h): {"ripples"}.
std::vector<std::string> videoGeneratorNames();
bool isVideoGenerator(const std::string& name);
/// Builds a generated video from JSON parameters (the RippleTextureOptions fields in snake_case: height,
/// width, frames, channels, seed, substeps, damping, drop_rate, drop_amplitude, drop_radius, warmup, fps).
/// Unknown name, unknown key or a bad value throws sd::Error("generate <name>: <param>", …).
data::Video generateVideo(const std::string& name, const nlohmann::json& params);

}  // namespace sd::systems
