#pragma once
// Simulation of an explicit R2DN (r2dn_params.h) over a batch of input sequences, as an autodiff graph (training,
// sensitivity) or under NoGradGuard (prediction): the REN's state-space loop (ren_simulation.h, same time-major
// layout and result) with the network φ in place of the equilibrium.
// Per step (docs/methods/ren.md §13.1): v = C₁x + D₁₂u + b_v, w = φ(v) (explicit: no equilibrium solve),
// y = C₂x + D₂₁w + D₂₂u + b_y (from the CURRENT state), x⁺ = Ax + B₁w + B₂u + b_x.
#include "plugins/ren/r2dn_params.h"
#include "plugins/ren/ren_simulation.h"

namespace sd::ren {

/// Simulates K steps from x0 (nx×B) with inputs U (nu × K·B, time-major); `equilibria` holds the network outputs w.
/// Throws sd::Error on shapes.
RenRollout simulateR2dn(const RenConfig& config, const ExplicitR2dn& model, const ad::Var& x0, const ad::Var& U, Eigen::Index K,
                        bool keepStates = false);

}  // namespace sd::ren
