#include "plugins/stable-opinf/rollout_validation.h"

#include "core/ode/dopri5.h"
#include "plugins/stable-opinf/discrete_time.h"

#include <limits>

namespace sd::opinf {

double rolloutRelativeError(const QuadraticOperators& ops, const Eigen::MatrixXd& V, const data::Trajectory& tr,
                            const RolloutOptions& o) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    if (o.discrete) {
        const Eigen::VectorXd x0 = V.size() ? Eigen::VectorXd(V.transpose() * tr.x.col(0)) : Eigen::VectorXd(tr.x.col(0));
        const MapIteration it = iterateMap(ops, x0, ops.ops.usesInputs() ? tr.u : Eigen::MatrixXd(), tr.x.cols(),
                                           o.stabilityMargin * tr.x.colwise().norm().maxCoeff());
        if (it.diverged) return kNaN;
        const Eigen::MatrixXd lifted = V.size() ? Eigen::MatrixXd(V * it.X) : it.X;
        return (tr.x - lifted).norm() / tr.x.norm();
    }
    ode::Dopri5Options opt;
    opt.rtol = o.rtol;
    opt.atol = o.atol;
    opt.guard.normBound = o.stabilityMargin * tr.x.colwise().norm().maxCoeff();
    opt.guard.maxSteps = o.maxSteps;
    ode::InputSignal u;
    if (ops.ops.usesInputs()) u = ode::InputSignal::fromSamples(tr.t, tr.u);
    const ode::Field f = [&ops](double, const Eigen::VectorXd& x, const Eigen::VectorXd& uu) {
        Eigen::VectorXd dx;
        ops.evaluate(x, uu, dx);
        return dx;
    };
    const Eigen::VectorXd x0 = V.size() ? Eigen::VectorXd(V.transpose() * tr.x.col(0)) : Eigen::VectorXd(tr.x.col(0));
    const ode::Solution sol = ode::integrateDopri5(f, x0, tr.t, u, opt);
    if (!sol.status.completed() || !sol.x.allFinite()) return kNaN;
    const Eigen::MatrixXd lifted = V.size() ? Eigen::MatrixXd(V * sol.x) : sol.x;
    return (tr.x - lifted).norm() / tr.x.norm();
}

}  // namespace sd::opinf
