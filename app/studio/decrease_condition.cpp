#include "app/studio/decrease_condition.h"

#include "core/model/model.h"

#include <cmath>

namespace sd::studio {

DecreaseCheck checkDecrease(const Eigen::RowVectorXd& V, const Eigen::MatrixXd& gradV, const Eigen::MatrixXd& F, double alpha,
                            double relativeTolerance, double absoluteTolerance) {
    DecreaseCheck c;
    c.alpha = alpha;
    const Eigen::Index B = V.size();
    c.vdot = (gradV.array() * F.array()).colwise().sum().matrix();
    c.margin.resize(B);
    c.holds.resize(B);
    Eigen::Index count = 0;
    for (Eigen::Index k = 0; k < B; ++k) {
        const double m = c.vdot[k] + alpha * V[k];
        const double scale = gradV.col(k).norm() * F.col(k).norm() + alpha * std::abs(V[k]);
        const bool finite = std::isfinite(m) && std::isfinite(scale);
        c.margin[k] = finite ? m : std::numeric_limits<double>::quiet_NaN();
        c.holds[k] = finite && m <= relativeTolerance * scale + absoluteTolerance;
        count += c.holds[k] ? 1 : 0;
    }
    c.fraction = B > 0 ? static_cast<double>(count) / static_cast<double>(B) : 0.0;
    return c;
}

DecreaseCheck checkDecrease(const model::Model& model, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd U = Eigen::MatrixXd::Zero(model.dims().input, X.cols());
    return checkDecrease(model.lyapunov(X), model.lyapunovGradient(X), model.field(X, U), model.lyapunovDecreaseRate());
}

}  // namespace sd::studio
