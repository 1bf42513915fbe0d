#pragma once
// Validation by rollout (docs/methods/stable-opinf.md §11): simulate a candidate model from a trajectory's
// first state with its inputs and compare with the data. Shared by the (λ, r) sweep and the automatic
// regulariser selection, so both apply one boundedness rule.
#include "core/data/dataset.h"
#include "plugins/stable-opinf/quadratic_operators.h"

namespace sd::opinf {

struct RolloutOptions {
    double stabilityMargin = 5.0;    ///< bounded ⇔ ‖x̂(t)‖ ≤ margin × max_k ‖x_k‖₂ of the trajectory's data
    double rtol = 1e-6, atol = 1e-8; ///< Dopri5 tolerances
    long long maxSteps = 200000;     ///< integrator steps before the rollout counts as failed
    bool discrete = false;           ///< iterate the map once per sample (discrete variant) instead of integrating
};

/// ‖X − V X̂‖_F / ‖X‖_F of the rollout of `ops` in the basis V (N×r; an empty V means the identity) along
/// `trajectory` (t, x, and u when ops has B or N; a discrete map is iterated over the samples instead), or NaN when the rollout is unbounded by the rule above, stops
/// (step failure, too many steps) or is not finite. The caller checks that the trajectory has ≥ 2 samples.
double rolloutRelativeError(const QuadraticOperators& ops, const Eigen::MatrixXd& V, const data::Trajectory& trajectory,
                            const RolloutOptions& options);

}  // namespace sd::opinf
