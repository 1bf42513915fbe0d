#include "core/ode/input_signal.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sd::ode {

InputSignal::InputSignal() = default;

InputSignal InputSignal::constant(const Eigen::VectorXd& value) {
    if (value.size() == 0) return InputSignal();
    return fromSamples(Eigen::VectorXd::Zero(1), value);
}

InputSignal InputSignal::fromSamples(const Eigen::VectorXd& times, const Eigen::MatrixXd& values) {
    const std::string where = "InputSignal::fromSamples";
    if (times.size() == 0) throw Error(where, "no sample times given");
    if (values.rows() == 0) throw Error(where, "input values have zero rows (use InputSignal::none())");
    if (values.cols() != times.size())
        throw Error(where, "values have " + std::to_string(values.cols()) + " columns but there are " +
                               std::to_string(times.size()) + " sample times");
    for (Eigen::Index k = 0; k < times.size(); ++k) {
        if (!std::isfinite(times[k])) throw Error(where, "sample time " + std::to_string(k) + " is not finite");
        if (k > 0 && !(times[k] > times[k - 1]))
            throw Error(where, "sample times must be strictly increasing (index " + std::to_string(k) + ")");
    }
    InputSignal s;
    s.dim_ = values.rows();
    s.samples_ = std::make_shared<const Samples>(Samples{times, values});
    return s;
}

InputSignal InputSignal::fromFunction(Eigen::Index dim, Function g) {
    const std::string where = "InputSignal::fromFunction";
    if (dim < 1) throw Error(where, "dimension must be at least 1, got " + std::to_string(dim));
    if (!g) throw Error(where, "empty function");
    InputSignal s;
    s.dim_ = dim;
    s.function_ = std::make_shared<const Function>(std::move(g));
    return s;
}

void InputSignal::evaluate(double t, Eigen::VectorXd& out) const {
    if (dim_ == 0) {
        out.resize(0);
        return;
    }
    if (function_) {
        out = (*function_)(t);
        if (out.size() != dim_)
            throw Error("InputSignal", "input function returned " + std::to_string(out.size()) +
                                           " values, expected " + std::to_string(dim_));
        return;
    }
    const Eigen::VectorXd& ts = samples_->t;
    const Eigen::MatrixXd& us = samples_->u;
    const Eigen::Index K = ts.size();
    if (K == 1 || t <= ts[0]) {
        out = us.col(0);
        return;
    }
    if (t >= ts[K - 1]) {
        out = us.col(K - 1);
        return;
    }
    // first sample strictly after t; then ts[k-1] <= t < ts[k]
    const double* begin = ts.data();
    const Eigen::Index k = std::upper_bound(begin, begin + K, t) - begin;
    const double w = (t - ts[k - 1]) / (ts[k] - ts[k - 1]);
    out = (1.0 - w) * us.col(k - 1) + w * us.col(k);
}

Eigen::VectorXd InputSignal::operator()(double t) const {
    Eigen::VectorXd out;
    evaluate(t, out);
    return out;
}

Eigen::MatrixXd InputSignal::sample(const Eigen::VectorXd& times) const {
    Eigen::MatrixXd out(dim_, times.size());
    Eigen::VectorXd u;
    for (Eigen::Index k = 0; k < times.size(); ++k) {
        evaluate(times[k], u);
        out.col(k) = u;
    }
    return out;
}

}  // namespace sd::ode
