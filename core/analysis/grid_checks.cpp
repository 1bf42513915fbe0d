#include "core/analysis/grid_checks.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::analysis {

void requireStrictlyIncreasing(const std::string& where, const Eigen::Ref<const Eigen::VectorXd>& axis,
                               Eigen::Index minSize) {
    if (axis.size() < minSize)
        throw Error(where, "expected at least " + std::to_string(minSize) + " values, got " +
                               std::to_string(axis.size()));
    for (Eigen::Index i = 0; i < axis.size(); ++i) {
        if (!std::isfinite(axis[i]))
            throw Error(where, "value " + std::to_string(i) + " is not finite");
        if (i > 0 && !(axis[i] > axis[i - 1]))
            throw Error(where, "must be strictly increasing, but value " + std::to_string(i) + " (" +
                                   std::to_string(axis[i]) + ") <= value " + std::to_string(i - 1) + " (" +
                                   std::to_string(axis[i - 1]) + ")");
    }
}

void requireUniform(const std::string& where, const Eigen::Ref<const Eigen::VectorXd>& axis,
                    Eigen::Index minSize) {
    requireStrictlyIncreasing(where, axis, minSize);
    const Eigen::Index n = axis.size();
    if (n < 2) return;
    const double step = (axis[n - 1] - axis[0]) / static_cast<double>(n - 1);
    for (Eigen::Index i = 1; i < n; ++i) {
        const double d = axis[i] - axis[i - 1];
        if (std::abs(d - step) > 1e-8 + 1e-5 * std::abs(step))
            throw Error(where, "values must be equally spaced (step " + std::to_string(step) +
                                   ", but step " + std::to_string(i) + " is " + std::to_string(d) + ")");
    }
}

void requireGridShape(const std::string& where, const std::string& name, const Eigen::MatrixXd& field,
                      Eigen::Index nx, Eigen::Index ny) {
    if (field.rows() != ny || field.cols() != nx)
        throw Error(where, name + " must be ny×nx = " + std::to_string(ny) + "×" + std::to_string(nx) +
                               " (rows follow y, columns follow x), got " + std::to_string(field.rows()) +
                               "×" + std::to_string(field.cols()));
}

}  // namespace sd::analysis
