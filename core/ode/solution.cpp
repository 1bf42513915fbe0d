#include "core/ode/solution.h"

#include "core/common/error.h"

#include <cmath>
#include <limits>

namespace sd::ode {

Eigen::MatrixXd BatchSolution::trajectory(Eigen::Index b) const {
    const Eigen::Index nx = states.empty() ? 0 : states.front().rows();
    Eigen::MatrixXd out(nx, static_cast<Eigen::Index>(states.size()));
    for (std::size_t k = 0; k < states.size(); ++k) out.col(static_cast<Eigen::Index>(k)) = states[k].col(b);
    return out;
}

bool BatchSolution::allCompleted() const {
    for (const auto& s : status)
        if (!s.completed()) return false;
    return true;
}

void validateOutputTimes(const Eigen::VectorXd& times, const std::string& where) {
    if (times.size() == 0) throw Error(where, "no output times given");
    for (Eigen::Index k = 0; k < times.size(); ++k) {
        if (!std::isfinite(times[k])) throw Error(where, "output time " + std::to_string(k) + " is not finite");
        if (k > 0 && !(times[k] > times[k - 1]))
            throw Error(where, "output times must be strictly increasing (index " + std::to_string(k) + ")");
    }
}

Solution startSolution(const Eigen::VectorXd& x0, const Eigen::VectorXd& times, const GuardOptions& guard,
                       const std::string& where) {
    validateOutputTimes(times, where);
    Solution sol;
    sol.t = times;
    sol.x = Eigen::MatrixXd::Constant(x0.size(), times.size(), std::numeric_limits<double>::quiet_NaN());
    if (const StopReason r = checkState(x0, guard); r != StopReason::Completed) {
        setStop(sol.status, r, times[0]);
        return sol;
    }
    sol.x.col(0) = x0;
    sol.status.outputsReached = 1;
    return sol;
}

}  // namespace sd::ode
