#include "core/common/rng.h"

#include <cmath>

namespace sd {

std::int64_t Rng::uniformInt(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1u;
    if (span == 0) return static_cast<std::int64_t>(engine_());  // full 64-bit range
    // Rejection sampling removes modulo bias.
    const std::uint64_t limit = (~std::uint64_t{0}) - (~std::uint64_t{0}) % span;
    std::uint64_t r;
    do { r = engine_(); } while (r >= limit);
    return lo + static_cast<std::int64_t>(r % span);
}

double Rng::normal() {
    if (hasSpare_) {
        hasSpare_ = false;
        return spare_;
    }
    double u1;
    do { u1 = uniform01(); } while (u1 <= 0.0);
    const double u2 = uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    spare_ = r * std::sin(theta);
    hasSpare_ = true;
    return r * std::cos(theta);
}

Eigen::MatrixXd Rng::uniformMatrix(Eigen::Index rows, Eigen::Index cols, double lo, double hi) {
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = uniform(lo, hi);
    return m;
}

Eigen::MatrixXd Rng::normalMatrix(Eigen::Index rows, Eigen::Index cols, double mean, double stddev) {
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(mean, stddev);
    return m;
}

}  // namespace sd
