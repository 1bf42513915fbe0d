#include "core/ode/solution.h"

#include "core/common/error.h"

#include <cmath>

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

}  // namespace sd::ode
