#include "app/studio/trajectory_integrator.h"

#include "core/ode/rk4.h"

#include <cmath>

namespace sd::studio {

IntegratedTrajectory integrateForward(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s) {
    // core/ode's RK4 with its divergence guard; the studio only trims the result where the path leaves
    // the stop box or comes to rest, so a click near the edge does not draw for ever.
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(s.maxSteps + 1, 0.0, s.maxSteps * s.step);
    ode::Rk4Options opt;
    opt.step = s.step;
    opt.guard.normBound = s.normBound;
    const ode::Field rhs = [&f](double, const Eigen::VectorXd& x, const Eigen::VectorXd&) -> Eigen::VectorXd { return f(x).col(0); };
    const ode::Solution sol = ode::integrateRk4(rhs, x0, times, ode::InputSignal(), opt);

    IntegratedTrajectory out;
    Eigen::Index keep = sol.status.outputsReached;
    out.diverged = !sol.status.completed();
    out.stopTime = out.diverged ? sol.status.stopTime : times[keep - 1];
    const bool useBox = s.boxLow.size() == x0.size();
    for (Eigen::Index k = 1; k < keep; ++k) {
        const auto x = sol.x.col(k);
        if (useBox && ((x.array() < s.boxLow.array()).any() || (x.array() > s.boxHigh.array()).any())) {
            out.leftBox = true;
            keep = k + 1;
            out.stopTime = times[k];
            break;
        }
        if (k > 10 && (x - sol.x.col(k - 1)).norm() < 1e-9 * s.step) {  // at rest
            keep = k + 1;
            out.stopTime = times[k];
            break;
        }
    }
    out.x = sol.x.leftCols(keep);
    out.t = times.head(keep);
    return out;
}

}  // namespace sd::studio
