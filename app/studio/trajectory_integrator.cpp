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

IntegratedTrajectory integrateTrajectory(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s) {
    if (s.direction == IntegrationDirection::Forward) return integrateForward(f, x0, s);
    const VectorField minusF = [&f](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return -f(X); };
    IntegratedTrajectory back = integrateForward(minusF, x0, s);
    // Reverse the backward half into time order: t from −T to 0.
    const Eigen::Index kb = back.x.cols();
    IntegratedTrajectory out;
    Eigen::MatrixXd xb = back.x.rowwise().reverse();
    Eigen::VectorXd tb = -back.t.reverse();
    out.diverged = back.diverged;
    out.leftBox = back.leftBox;
    out.stopTime = -back.stopTime;
    if (s.direction == IntegrationDirection::Backward) {
        out.x = std::move(xb);
        out.t = std::move(tb);
        out.startColumn = kb - 1;
        return out;
    }
    const IntegratedTrajectory fwd = integrateForward(f, x0, s);
    const Eigen::Index kf = fwd.x.cols();
    out.x.resize(x0.size(), kb + kf - 1);
    out.x << xb, fwd.x.rightCols(kf - 1);
    out.t.resize(kb + kf - 1);
    out.t << tb, fwd.t.tail(kf - 1);
    out.startColumn = kb - 1;
    out.leftBox = back.leftBox || fwd.leftBox;
    if (!out.diverged && fwd.diverged) out.stopTime = fwd.stopTime;
    out.diverged = back.diverged || fwd.diverged;
    return out;
}

}  // namespace sd::studio
