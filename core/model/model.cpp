#include "core/model/model.h"

#include "core/common/error.h"

namespace sd::model {

Eigen::MatrixXd Model::field(const Eigen::MatrixXd&, const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model is discrete-time and has no vector field");
}

Eigen::RowVectorXd Model::lyapunov(const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model has no Lyapunov function");
}

Eigen::MatrixXd Model::lyapunovGradient(const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model has no Lyapunov function");
}

void Prediction::setEnd(const ode::RunStatus& status) {
    diverged = status.diverged();
    stalled = status.stalled();
    if (diverged) divergenceTime = status.stopTime;
    if (stalled) stallTime = status.stopTime;
    if (status.atRest()) restTime = status.stopTime;
}

nlohmann::json Model::certificate() const { return certify().toJson(); }

}  // namespace sd::model
