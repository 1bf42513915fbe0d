#pragma once
// The certificate of a known-V model (docs/methods/lyapunov-net.md §8.3): the checks of stability_certificate.h
// (V(0) = 0, positivity, ∇Vᵀf ≤ −αV at the samples, f finite, the exponential bound on Dopri5 trajectories)
// on exactly the evaluation the model uses, and the guarantee the chosen V supports:
//   quadratic        global exponential stability, ‖x(t)‖ ≤ √(λmax/λmin)·e^{−αt/2}‖x₀‖ (positivity checked as
//                    V ≥ λmin(P)‖x‖²);
//   pendulum_energy  V is only positive semidefinite and has critical points: the guarantee is local — within
//                    the sublevel set {V < 2g} containing 0, x = 0 is exponentially stable (positivity checked
//                    as V > 0 on the samples x ≠ 0).
#include "plugins/lyapunov-net/known_v_dynamics.h"
#include "plugins/lyapunov-net/stability_certificate.h"

namespace sd::lyapnet {

/// {"guarantee", "known_v", … certifyDecrease's keys …; quadratic: "lambda_min_P", "lambda_max_P";
/// pendulum_energy: "sublevel_bound" (2g), "region_inside_sublevel" (max V at the samples < 2g)}.
nlohmann::json certifyKnownV(const KnownVDynamics& dynamics, const CertificateOptions& options);

}  // namespace sd::lyapnet
