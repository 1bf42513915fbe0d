#include "core/analysis/smoothing.h"

#include "core/common/error.h"

#include <cmath>
#include <string>

namespace sd::analysis {

std::vector<double> smoothTensorBoard(std::span<const double> values, double weight) {
    if (!(weight >= 0.0 && weight < 1.0))
        throw Error("smoothTensorBoard", "weight must be in [0, 1), got " + std::to_string(weight));
    std::vector<double> out;
    out.reserve(values.size());
    double accumulator = 0.0;
    int count = 0;
    for (const double y : values) {
        if (!std::isfinite(y)) {
            out.push_back(y);
            continue;
        }
        accumulator = accumulator * weight + (1.0 - weight) * y;
        ++count;
        out.push_back(accumulator / (1.0 - std::pow(weight, count)));  // TensorBoard: Math.pow
    }
    return out;
}

}  // namespace sd::analysis
