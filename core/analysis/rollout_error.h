#pragma once
// sd::analysis rollout error — the pendulum evaluation metric of the stable-dynamics paper
// (docs/methods/core.md §8; reference pendulum_error.py at HEAD): squared state error per step, SUMMED over
// trajectories (not averaged, no square root), with angle differences wrapped to [−π, π).
#include <Eigen/Core>
#include <vector>

namespace sd::analysis {

/// wrap(θ) = θ − 2π·⌊(θ + π)/2π⌋ ∈ [−π, π): ±π map to −π.
double wrapAngle(double theta);

struct RolloutError {
    /// e_i = Σ_traj [ Σ_{j∉angles} (x_j − x̂_j)² + Σ_{j∈angles} wrap(x_j − x̂_j)² ] for step i
    /// (the reference's e_i; e_0 = 0 when the rollouts start from the true initial states).
    Eigen::VectorXd stepError;
    /// Σ_{k<i} e_k (exclusive: cumulative(0) = 0), what the reference prints beside e_i.
    Eigen::VectorXd cumulative;
    /// e_i / N_traj, the studio's "mean squared state error per trajectory".
    Eigen::VectorXd meanStepError;
};

/// The metric over N trajectories. truth[t] and prediction[t] are n × K (state × steps, one column per
/// step, like data::Trajectory::x), all of the same shape. angleComponents lists the state rows that are
/// angles (for the n-link pendulum with state [q; q̇] these are 0 … n−1).
/// Throws sd::Error("rolloutError: ...") for no trajectories, differing counts or shapes, or an angle
/// component outside 0 … n−1.
RolloutError rolloutError(const std::vector<Eigen::MatrixXd>& truth, const std::vector<Eigen::MatrixXd>& prediction,
                          const std::vector<Eigen::Index>& angleComponents);

}  // namespace sd::analysis
