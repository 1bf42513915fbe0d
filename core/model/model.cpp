#include "core/model/model.h"

#include "core/common/error.h"

namespace sd::model {

const char* toString(TrainStatus status) {
    switch (status) {
        case TrainStatus::Completed: return "completed";
        case TrainStatus::Cancelled: return "cancelled";
        case TrainStatus::StoppedOnNaN: return "stopped_on_nan";
    }
    return "unknown";
}

Eigen::MatrixXd Model::field(const Eigen::MatrixXd&, const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model is discrete-time and has no vector field");
}

Eigen::RowVectorXd Model::lyapunov(const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model has no Lyapunov function");
}

Eigen::MatrixXd Model::lyapunovGradient(const Eigen::MatrixXd&) const {
    throw Error(pluginId(), "this model has no Lyapunov function");
}

nlohmann::json Model::certificate() const { return certify().toJson(); }

}  // namespace sd::model
