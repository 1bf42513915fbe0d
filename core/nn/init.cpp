#include "core/nn/init.h"

#include "core/common/error.h"

namespace sd::nn {

namespace {

template <class Draw>
Eigen::MatrixXd fillRowMajor(Eigen::Index rows, Eigen::Index cols, Draw draw) {
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = draw();
    return m;
}

void requireFan(const char* where, Eigen::Index fan) {
    if (fan <= 0) throw Error(where, "fan-in must be positive, got " + std::to_string(fan));
}

}  // namespace

Eigen::MatrixXd kaimingUniform(Rng& rng, Eigen::Index rows, Eigen::Index cols, double a) {
    requireFan("nn::kaimingUniform", cols);
    const double bound = std::sqrt(6.0 / ((1.0 + a * a) * static_cast<double>(cols)));
    return fillRowMajor(rows, cols, [&] { return rng.uniform(-bound, bound); });
}

Eigen::MatrixXd uniformBias(Rng& rng, Eigen::Index rows, Eigen::Index fanIn) {
    requireFan("nn::uniformBias", fanIn);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
    return fillRowMajor(rows, 1, [&] { return rng.uniform(-bound, bound); });
}

Eigen::MatrixXd glorotUniform(Rng& rng, Eigen::Index rows, Eigen::Index cols, double gain) {
    requireFan("nn::glorotUniform", rows + cols);
    const double bound = gain * std::sqrt(6.0 / static_cast<double>(rows + cols));
    return fillRowMajor(rows, cols, [&] { return rng.uniform(-bound, bound); });
}

Eigen::MatrixXd glorotNormal(Rng& rng, Eigen::Index rows, Eigen::Index cols, double gain) {
    requireFan("nn::glorotNormal", rows + cols);
    const double stddev = gain * std::sqrt(2.0 / static_cast<double>(rows + cols));
    return fillRowMajor(rows, cols, [&] { return rng.normal(0.0, stddev); });
}

}  // namespace sd::nn
