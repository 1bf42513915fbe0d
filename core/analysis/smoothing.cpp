#include "core/analysis/smoothing.h"

#include "core/common/error.h"

#include <cmath>
#include <string>

namespace sd::analysis {

TensorBoardSmoother::TensorBoardSmoother(double weight) : weight_(weight) {
    if (!(weight >= 0.0 && weight < 1.0))
        throw Error("TensorBoardSmoother", "weight must be in [0, 1), got " + std::to_string(weight));
}

double TensorBoardSmoother::push(double y) {
    if (!std::isfinite(y)) return y;
    accumulator_ = accumulator_ * weight_ + (1.0 - weight_) * y;
    ++count_;
    return accumulator_ / (1.0 - std::pow(weight_, count_));  // TensorBoard: Math.pow
}

std::vector<double> smoothTensorBoard(std::span<const double> values, double weight) {
    if (!(weight >= 0.0 && weight < 1.0))
        throw Error("smoothTensorBoard", "weight must be in [0, 1), got " + std::to_string(weight));
    TensorBoardSmoother smoother(weight);
    std::vector<double> out;
    out.reserve(values.size());
    for (const double y : values) out.push_back(smoother.push(y));
    return out;
}

}  // namespace sd::analysis
