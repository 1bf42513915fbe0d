#include "core/analysis/rollout_error.h"

#include "core/common/error.h"

#include <cmath>
#include <numbers>
#include <string>

namespace sd::analysis {

double wrapAngle(double theta) {
    constexpr double twoPi = 2.0 * std::numbers::pi;
    return theta - twoPi * std::floor((theta + std::numbers::pi) / twoPi);
}

RolloutError rolloutError(const std::vector<Eigen::MatrixXd>& truth, const std::vector<Eigen::MatrixXd>& prediction,
                          const std::vector<Eigen::Index>& angleComponents) {
    const std::string where = "rolloutError";
    if (truth.empty()) throw Error(where, "no trajectories");
    if (truth.size() != prediction.size())
        throw Error(where, std::to_string(truth.size()) + " true trajectories but " +
                               std::to_string(prediction.size()) + " predicted ones");
    const Eigen::Index n = truth.front().rows(), steps = truth.front().cols();
    for (std::size_t t = 0; t < truth.size(); ++t) {
        for (const auto* m : {&truth[t], &prediction[t]}) {
            if (m->rows() != n || m->cols() != steps)
                throw Error(where, "trajectory " + std::to_string(t) + " is " + std::to_string(m->rows()) + "×" +
                                       std::to_string(m->cols()) + ", expected " + std::to_string(n) + "×" +
                                       std::to_string(steps) + " (state × steps) like trajectory 0");
        }
    }
    std::vector<bool> isAngle(static_cast<std::size_t>(n), false);
    for (const Eigen::Index a : angleComponents) {
        if (a < 0 || a >= n)
            throw Error(where, "angle component " + std::to_string(a) + " is outside 0…" + std::to_string(n - 1));
        isAngle[static_cast<std::size_t>(a)] = true;
    }

    RolloutError out;
    out.stepError = Eigen::VectorXd::Zero(steps);
    for (std::size_t t = 0; t < truth.size(); ++t) {
        for (Eigen::Index i = 0; i < steps; ++i) {
            double e = 0.0;
            for (Eigen::Index j = 0; j < n; ++j) {
                double d = truth[t](j, i) - prediction[t](j, i);
                if (isAngle[static_cast<std::size_t>(j)]) d = wrapAngle(d);
                e += d * d;
            }
            out.stepError[i] += e;
        }
    }
    out.cumulative = Eigen::VectorXd::Zero(steps);
    for (Eigen::Index i = 1; i < steps; ++i) out.cumulative[i] = out.cumulative[i - 1] + out.stepError[i - 1];
    out.meanStepError = out.stepError / static_cast<double>(truth.size());
    return out;
}

}  // namespace sd::analysis
