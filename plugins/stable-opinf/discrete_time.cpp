#include "plugins/stable-opinf/discrete_time.h"

#include "core/common/error.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace sd::opinf {

double uniformSampleStep(const Eigen::VectorXd& t, const std::string& where) {
    if (t.size() < 2) throw Error(where, "the discrete variant needs at least 2 samples with times");
    const double step = (t[t.size() - 1] - t[0]) / static_cast<double>(t.size() - 1);
    if (!(step > 0.0) || !std::isfinite(step)) throw Error(where, "sample times must be finite and increasing");
    for (Eigen::Index k = 1; k < t.size(); ++k) {
        const double dk = t[k] - t[k - 1];
        if (!(std::abs(dk - step) <= kSampleStepTolerance * step)) {
            std::ostringstream what;
            what << "the discrete variant needs a uniform sample step; step " << k << " is " << dk << ", the mean step is " << step;
            throw Error(where, what.str());
        }
    }
    return step;
}

double commonSampleStep(const std::vector<const data::Trajectory*>& trajectories) {
    double first = std::numeric_limits<double>::quiet_NaN();
    for (const auto* tr : trajectories) {
        const std::string where = "trajectory '" + tr->id + "'";
        const double step = uniformSampleStep(tr->t, where);
        if (std::isnan(first)) {
            first = step;
        } else if (!(std::abs(step - first) <= kSampleStepTolerance * first)) {
            std::ostringstream what;
            what << "is sampled every " << step << ", the first training trajectory every " << first
                 << "; the discrete variant learns one map per sample step";
            throw Error(where, what.str());
        }
    }
    if (std::isnan(first)) throw Error("discrete variant", "no trajectories to take the sample step from");
    return first;
}

void requireSampleStep(const data::Trajectory& tr, double step) {
    if (tr.t.size() < 2) return;
    const std::string where = "trajectory '" + tr.id + "'";
    const double own = uniformSampleStep(tr.t, where);
    if (!(std::abs(own - step) <= kSampleStepTolerance * step)) {
        std::ostringstream what;
        what << "is sampled every " << own << ", but the discrete model maps one sample step of " << step;
        throw Error(where, what.str());
    }
}

OneStepPairs oneStepPairs(const std::vector<const data::Trajectory*>& trajectories, bool withInputs, Eigen::Index inputDim) {
    Eigen::Index pairs = 0;
    for (const auto* tr : trajectories) pairs += std::max<Eigen::Index>(0, tr->x.cols() - 1);
    OneStepPairs out;
    const Eigen::Index n = trajectories.empty() ? 0 : trajectories.front()->x.rows();
    out.X.resize(n, pairs);
    out.Next.resize(n, pairs);
    out.U.resize(withInputs ? inputDim : 0, pairs);
    Eigen::Index col = 0;
    for (const auto* tr : trajectories) {
        const Eigen::Index k = tr->x.cols() - 1;
        if (k <= 0) continue;
        if (withInputs && (tr->u.rows() != inputDim || tr->u.cols() != tr->x.cols()))
            throw Error("trajectory '" + tr->id + "'", "expected " + std::to_string(inputDim) + " input channels with " +
                                                          std::to_string(tr->x.cols()) + " samples");
        out.X.middleCols(col, k) = tr->x.leftCols(k);
        out.Next.middleCols(col, k) = tr->x.rightCols(k);
        if (withInputs) out.U.middleCols(col, k) = tr->u.leftCols(k);
        col += k;
    }
    return out;
}

MapIteration iterateMap(const QuadraticOperators& ops, const Eigen::VectorXd& x0, const Eigen::MatrixXd& U, Eigen::Index samples,
                        double normBound) {
    MapIteration out;
    out.X = Eigen::MatrixXd::Constant(x0.size(), samples, std::numeric_limits<double>::quiet_NaN());
    if (samples == 0) return out;
    const bool inputs = ops.ops.usesInputs();
    if (inputs && U.cols() < samples - 1)
        throw Error("discrete variant", "iterating " + std::to_string(samples) + " samples needs " + std::to_string(samples - 1) +
                                            " input samples, found " + std::to_string(U.cols()));
    auto bad = [&](const Eigen::VectorXd& x) { return !x.allFinite() || x.norm() > normBound; };
    Eigen::VectorXd x = x0, next;
    const Eigen::VectorXd none;
    for (Eigen::Index k = 0; k < samples; ++k) {
        if (bad(x)) {
            out.diverged = true;
            out.stoppedAt = k;
            return out;
        }
        out.X.col(k) = x;
        if (k + 1 == samples) break;
        if (inputs) ops.evaluate(x, Eigen::VectorXd(U.col(k)), next);
        else ops.evaluate(x, none, next);
        x.swap(next);
    }
    return out;
}

}  // namespace sd::opinf
