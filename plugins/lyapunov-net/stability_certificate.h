#pragma once
// Numerical evidence for the stability guarantee of a StableDynamics model (docs/methods/lyapunov-net.md §5
// 3, 5, 6, 8), reported as the model's certificate JSON:
//   * V(0) = 0 exactly (single-column evaluation at the origin);
//   * V(x) ≥ ε‖x‖² > 0 at every sample x ≠ 0 of the region of interest (box [lo, hi]);
//   * decrease condition ∇V(x)ᵀf(x) ≤ −αV(x) + 1e-9·(1 + |V(x)|) at every sample;
//   * f finite at every sample (the box grid includes x = 0 when the box is symmetric);
//   * on `trajectories` Dopri5 runs (rtol 1e-10, atol 1e-12) from random points of the box:
//     V(x(t)) ≤ V(x0)·e^{−αt}·(1 + 1e-6) + 1e-14 at 201 output times over [0, horizon].
// Samples: a (2m+1)² grid covering the box for 2-D states (m chosen so the count is ≥ `samples`),
// uniform random points otherwise; random draws use a fixed seed, so the result is deterministic.
#include "core/lyapunov/stable_dynamics.h"

#include <nlohmann/json.hpp>

namespace sd::lyapnet {

struct CertificateOptions {
    Eigen::VectorXd lo, hi;        ///< region of interest (n each, lo < hi)
    Eigen::Index samples = 20000;
    Eigen::Index trajectories = 4;
    double horizon = 5.0;
    std::uint64_t seed = 20190605;
};

inline constexpr double kDecreaseTolerance = 1e-9;
inline constexpr double kTrajectoryTolerance = 1e-6;

/// The certificate: {"guarantee", "verified", "alpha", "eps", "g0_mode", "v_at_origin", "region",
/// "samples", "min_v_over_eps_norm2", "max_decrease_violation", "active_fraction", "field_finite",
/// "trajectories": {…}, "checks": [{"name", "passed", "value"?, "limit"?}…]} (check rows as in
/// core/model/certificate.h). Throws sd::Error for a malformed region.
nlohmann::json certifyStability(const lyap::StableDynamics& dynamics, const CertificateOptions& options);

}  // namespace sd::lyapnet
