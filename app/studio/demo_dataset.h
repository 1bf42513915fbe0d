#pragma once
// The bundled demo: a damped pendulum θ̇ = ω, ω̇ = −sin θ − γω (γ = 0.3), generated on the fly with RK4 from
// a fixed seed, so the README's launch command always has 2-D data ready to train, with a known true field
// for the phase portrait's "true field" overlay.
#include "core/data/dataset.h"

#include <Eigen/Core>

namespace sd::studio {

inline constexpr const char* kDemoDatasetName = "demo-damped-pendulum";

/// 12 trajectories × 201 samples (dt 0.05), with exact derivatives; splits train (0–8), validation (9–10),
/// test (11).
data::Dataset makeDemoDataset();

/// The demo's true vector field, batched (2×B → 2×B).
Eigen::MatrixXd demoTrueField(const Eigen::MatrixXd& X);

}  // namespace sd::studio
