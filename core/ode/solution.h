#pragma once
// Results of the integrators of core/ode.
#include "core/ode/divergence_guard.h"

#include <Eigen/Core>
#include <string>
#include <vector>

namespace sd::ode {

/// One integrated state. Always sized for ALL requested output times: t is a copy of the requested times
/// (K), x is nx×K; column k is x(t_k). Columns k ≥ status.outputsReached (after a guard stop) are NaN.
struct Solution {
    Eigen::VectorXd t;
    Eigen::MatrixXd x;
    RunStatus status;
};

/// A batch of B integrated states at K output times.
struct BatchSolution {
    Eigen::VectorXd t;                    ///< the requested output times (K)
    std::vector<Eigen::MatrixXd> states;  ///< K matrices nx×B; states[k].col(b) = x_b(t_k), NaN after b stopped
    std::vector<RunStatus> status;        ///< B statuses, one per initial state

    Eigen::Index batchSize() const { return static_cast<Eigen::Index>(status.size()); }
    /// Trajectory of state b as nx×K (column k = x_b(t_k)).
    Eigen::MatrixXd trajectory(Eigen::Index b) const;
    /// True when every state completed.
    bool allCompleted() const;
};

/// Checks output times: at least one, finite, strictly increasing. Throws sd::Error(where, …) otherwise.
void validateOutputTimes(const Eigen::VectorXd& times, const std::string& where);

/// The common start of a single-trajectory integration: validates `times` (as above), returns a Solution
/// with t = times and x = NaN (x0.size() × K). If x0 passes the guard, x.col(0) = x0 and outputsReached = 1;
/// otherwise status is stopped at times[0] and status.completed() is false: return the solution as it is.
Solution startSolution(const Eigen::VectorXd& x0, const Eigen::VectorXd& times, const GuardOptions& guard,
                       const std::string& where);

}  // namespace sd::ode
