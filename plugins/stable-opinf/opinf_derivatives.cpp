#include "plugins/stable-opinf/opinf_derivatives.h"

#include "core/common/error.h"
#include "core/data/derivative_estimators.h"

namespace sd::opinf {

Eigen::MatrixXd trajectoryDerivatives(const data::Trajectory& tr, const nlohmann::json& hyper) {
    const std::string mode = hyper.at("derivatives").get<std::string>();
    const bool given = tr.dxdt.cols() == tr.x.cols() && tr.dxdt.rows() == tr.x.rows() && tr.x.cols() > 0;
    if (mode == "given" || (mode == "auto" && given)) {
        if (!given) throw Error("trajectory '" + tr.id + "'", "has no state derivatives (set 'derivatives' to an estimator)");
        return tr.dxdt;
    }
    if (tr.t.size() == 0) throw Error("trajectory '" + tr.id + "'", "has no time samples to estimate derivatives from");
    data::DerivativeEstimator e;
    if (mode == "ord2") e.order = 2;
    if (mode == "ord6") e.order = 6;
    if (mode == "ord4-pred") e.endRule = data::EndRule::PredCode;
    if (mode == "smooth") {
        e.method = data::DerivativeMethod::LocalPolynomial;
        e.window = hyper.at("smooth_window").get<int>();
        e.degree = hyper.at("smooth_degree").get<int>();
    }
    return data::estimateDerivative(tr, e);
}

}  // namespace sd::opinf
