#pragma once
// The discrete-time variant's map x_{k+1} = c + A x_k + H(x_k⊗x_k) + G(x_k⊗x_k⊗x_k) + B u_k + N(u_k⊗x_k)
// (docs/methods/stable-opinf.md §12): the sample step it needs, its one-step training pairs and its iteration.
// The operators are the same QuadraticOperators as in continuous time; only their meaning differs.
#include "core/data/dataset.h"
#include "plugins/stable-opinf/quadratic_operators.h"

#include <string>
#include <vector>

namespace sd::opinf {

/// Relative tolerance on sample steps: a grid is uniform when every step is within it of the mean step, and a
/// trajectory matches a model's step when its step is within it of the model's.
inline constexpr double kSampleStepTolerance = 1e-6;

/// The uniform sample step of `t` (≥ 2 strictly increasing samples). Throws sd::Error naming `where` otherwise.
double uniformSampleStep(const Eigen::VectorXd& t, const std::string& where);

/// The common uniform step of the trajectories (each needs ≥ 2 samples). Throws sd::Error naming the first
/// trajectory whose grid is not uniform or whose step differs from the first one's.
double commonSampleStep(const std::vector<const data::Trajectory*>& trajectories);

/// Throws sd::Error naming the trajectory unless it is sampled uniformly with step `step` (relative tolerance
/// kSampleStepTolerance). A trajectory with fewer than 2 samples has no step and passes.
void requireSampleStep(const data::Trajectory& tr, double step);

/// One-step training pairs of the stacked trajectories: X = [x_0 … x_{K−2}], U = [u_0 … u_{K−2}] (0 rows
/// without inputs), Next = [x_1 … x_{K−1}], each trajectory contributing K − 1 columns.
struct OneStepPairs {
    Eigen::MatrixXd X, U, Next;
};
OneStepPairs oneStepPairs(const std::vector<const data::Trajectory*>& trajectories, bool withInputs, Eigen::Index inputDim);

/// x_0 = x0 and x_{k+1} = ops(x_k, u_k) for k = 0 … samples−2 (u_k = column k of U; U is read only when
/// ops uses inputs and then needs ≥ samples−1 columns). Stops when a state is not finite or ‖x_k‖₂ >
/// normBound: that state and every later column are NaN.
struct MapIteration {
    Eigen::MatrixXd X;            ///< r × samples
    bool diverged = false;
    Eigen::Index stoppedAt = -1;  ///< first sample index that failed the guard (−1 when completed)
};
MapIteration iterateMap(const QuadraticOperators& ops, const Eigen::VectorXd& x0, const Eigen::MatrixXd& U, Eigen::Index samples,
                        double normBound);

}  // namespace sd::opinf
