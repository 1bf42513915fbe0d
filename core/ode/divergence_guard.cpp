#include "core/ode/divergence_guard.h"

#include <cmath>
#include <sstream>

namespace sd::ode {

const char* toString(StopReason reason) {
    switch (reason) {
    case StopReason::Completed: return "completed";
    case StopReason::NonFinite: return "non-finite state";
    case StopReason::NormBound: return "norm bound exceeded";
    case StopReason::MaxSteps: return "maximum steps reached";
    case StopReason::StepSizeFailure: return "step size failure";
    case StopReason::AtRest: return "at rest";
    }
    return "unknown";
}

StopReason checkState(const Eigen::Ref<const Eigen::VectorXd>& x, const GuardOptions& guard) {
    double sq = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        const double v = x[i];
        if (!std::isfinite(v)) return StopReason::NonFinite;
        sq += v * v;
    }
    if (!std::isfinite(sq)) return StopReason::NormBound;  // overflow of the squared norm
    if (std::sqrt(sq) > guard.normBound) return StopReason::NormBound;
    return StopReason::Completed;
}

void setStop(RunStatus& status, StopReason reason, double time) {
    status.reason = reason;
    status.stopTime = time;
    std::ostringstream os;
    os.precision(10);
    os << toString(reason) << " at t = " << time;
    status.message = os.str();
}

}  // namespace sd::ode
