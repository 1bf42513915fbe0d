#pragma once
// Numerical evidence for the stability guarantee of a lyap::StableDynamics model (docs/methods/lyapunov-net.md §5
// 3, 5, 6, 8), reported as the model's certificate JSON:
//   * V(0) = 0 exactly (single-column evaluation at the origin);
//   * V(x) ≥ ε‖x‖² > 0 at every sample x ≠ 0 of the region of interest (box [lo, hi]);
//   * decrease condition ∇V(x)ᵀf(x) ≤ −αV(x) + 1e-9·(1 + |V(x)|) at every sample;
//   * f finite at every sample (the box grid includes x = 0 when the box is symmetric);
//   * on `trajectories` Dopri5 runs (rtol 1e-10, atol 1e-12) from random points of the box:
//     V(x(t)) ≤ V(x0)·e^{−αt}·(1 + 1e-6) + 1e-14 at 201 output times over [0, horizon]; with a rest level
//     c > 0, a run ends once V ≤ c (the set is invariant when V decreases, and it is where the adaptive step
//     would chatter at the field's kink at 0 until the step limit), and the bound checked is
//     V(x(t)) ≤ max(V(x0)·e^{−αt}, c). A run that stalls or diverges fails the check.
// Samples: a (2m+1)² grid covering the box for 2-D states (m chosen so the count is ≥ `samples`),
// uniform random points otherwise; random draws use a fixed seed, so the result is deterministic.
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/stable_dynamics.h"

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace sd::lyapnet {

struct CertificateOptions {
    Eigen::VectorXd lo, hi;        ///< region of interest (n each, lo < hi)
    Eigen::Index samples = 20000;
    Eigen::Index trajectories = 4;
    double horizon = 5.0;
    double restLevel = 0.0;        ///< c of the rest set {V ≤ c} of the trajectory runs (0 = none)
    std::uint64_t seed = 20190605;
};

inline constexpr double kDecreaseTolerance = 1e-9;
inline constexpr double kTrajectoryTolerance = 1e-6;
/// A certificate trajectory that has used this many field evaluations (~2000 Dopri5 steps) and is still short of
/// a millionth of the horizon has a collapsed step size: it is reported as stalled (stability_certificate.cpp).
inline constexpr long long kCrawlEvaluations = 12000;

/// What the checks need, whichever way V is built (learned ICNN, or a known V: known_v_certificate.h).
struct DecreaseProblem {
    Eigen::Index n = 0;
    double alpha = 0.0;
    /// w > 0: check V(x) ≥ w‖x‖² at the samples; w = 0: check only V(x) > 0 (x ≠ 0).
    double positivityWeight = 0.0;
    std::string positivityKey;     ///< certificate key of min V/(w‖x‖²) (w = 0: min V/‖x‖²)
    std::string positivityCheck;   ///< its check row's name
    /// f, f̂, V, ∇V at the columns of X — exactly the evaluation the model uses.
    std::function<lyap::FieldEvaluator::Result(const Eigen::MatrixXd&)> evaluate;
};

/// The numerical checks above for any DecreaseProblem: {"verified", "alpha", "v_at_origin", "region", "samples",
/// "sampling", <positivityKey>, "max_decrease_violation", "decrease_tolerance", "active_fraction",
/// "field_finite", "trajectories", "checks"} (no "guarantee": the caller states it).
nlohmann::json certifyDecrease(const DecreaseProblem& problem, const CertificateOptions& options);

/// With proj_denominator_eps = ε > 0 the projection under-corrects (docs/methods/stable-dynamics.md §5), so the
/// decrease condition is no longer guaranteed by construction: rewrites cert["guarantee"] to say that only the
/// sampled checks support it and sets cert["by_construction"] (false for ε > 0, true for ε = 0).
void noteProjectionRelaxation(nlohmann::json& cert, double projDenominatorEps);

/// The certificate: {"guarantee", "verified", "alpha", "eps", "g0_mode", "v_at_origin", "region",
/// "samples", "min_v_over_eps_norm2", "max_decrease_violation", "active_fraction", "field_finite",
/// "trajectories": {…}, "checks": [{"name", "passed", "value"?, "limit"?}…]} (check rows as in
/// core/model/certificate.h). Throws sd::Error for a malformed region.
nlohmann::json certifyStability(const lyap::StableDynamics& dynamics, const CertificateOptions& options);

}  // namespace sd::lyapnet
