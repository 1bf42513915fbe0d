#include "app/studio/trajectory_integrator.h"

#include <cmath>
#include <vector>

namespace sd::studio {

IntegratedTrajectory integrateForward(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s) {
    std::vector<Eigen::VectorXd> states{x0};
    IntegratedTrajectory out;
    Eigen::VectorXd x = x0;
    const double h = s.step;
    auto rhs = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd { return f(v).col(0); };
    for (int k = 0; k < s.maxSteps; ++k) {
        const Eigen::VectorXd k1 = rhs(x);
        const Eigen::VectorXd k2 = rhs(x + 0.5 * h * k1);
        const Eigen::VectorXd k3 = rhs(x + 0.5 * h * k2);
        const Eigen::VectorXd k4 = rhs(x + h * k3);
        const Eigen::VectorXd next = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
        if (!next.allFinite() || next.norm() > s.normBound) {
            out.diverged = true;
            out.stopTime = (k + 1) * h;
            break;
        }
        x = next;
        states.push_back(x);
        if (s.boxLow.size() == x.size() &&
            ((x.array() < s.boxLow.array()).any() || (x.array() > s.boxHigh.array()).any())) {
            out.leftBox = true;
            out.stopTime = (k + 1) * h;
            break;
        }
        // A trajectory that has come to rest is finished.
        if (k > 10 && k1.norm() < 1e-9) {
            out.stopTime = (k + 1) * h;
            break;
        }
        out.stopTime = (k + 1) * h;
    }
    out.x.resize(x0.size(), static_cast<Eigen::Index>(states.size()));
    out.t.resize(static_cast<Eigen::Index>(states.size()));
    for (std::size_t k = 0; k < states.size(); ++k) {
        out.x.col(static_cast<Eigen::Index>(k)) = states[k];
        out.t[static_cast<Eigen::Index>(k)] = k * h;
    }
    return out;
}

}  // namespace sd::studio
