#include "core/data/pod.h"

#include "core/common/error.h"

#include <Eigen/SVD>

#include <cmath>

namespace sd::data {

double PodBasis::retainedEnergy() const {
    const Eigen::VectorXd& e = criterion == EnergyCriterion::SquaredSingularValues ? energySquared : energyPlain;
    return rank() > 0 && e.size() >= rank() ? e(rank() - 1) : 0.0;
}

Trajectory PodBasis::project(const Trajectory& tr) const {
    Trajectory out = tr;
    if (tr.x.rows()) out.x = project(tr.x);
    if (tr.dxdt.rows()) out.dxdt = project(tr.dxdt);
    return out;
}

Eigen::VectorXd cumulativeEnergy(const Eigen::VectorXd& sv, EnergyCriterion criterion) {
    const Eigen::VectorXd w =
        criterion == EnergyCriterion::SquaredSingularValues ? Eigen::VectorXd(sv.array().square()) : sv;
    const double total = w.sum();
    Eigen::VectorXd out = Eigen::VectorXd::Zero(sv.size());
    if (total <= 0.0) return out;
    double acc = 0.0;
    for (Eigen::Index i = 0; i < sv.size(); ++i) {
        acc += w(i);
        out(i) = acc / total;
    }
    out(sv.size() - 1) = 1.0;   // exact at full rank despite rounding
    return out;
}

int rankForEnergy(const Eigen::VectorXd& sv, double fraction, EnergyCriterion criterion) {
    const Eigen::VectorXd e = cumulativeEnergy(sv, criterion);
    for (Eigen::Index i = 0; i < e.size(); ++i)
        if (e(i) >= fraction) return static_cast<int>(i + 1);
    return std::max<int>(1, static_cast<int>(sv.size()));
}

PodBasis computePod(const Eigen::MatrixXd& X, const PodOptions& opt) {
    if (X.size() == 0) throw Error("POD", "no snapshots (the snapshot matrix is empty)");
    if (!X.allFinite()) throw Error("POD", "snapshots contain NaN or Inf");
    if (opt.rank <= 0 && !(opt.energy > 0.0 && opt.energy <= 1.0))
        throw Error("POD", "energy fraction must be in (0, 1], found " + std::to_string(opt.energy));
    Eigen::BDCSVD<Eigen::MatrixXd> svd(X, Eigen::ComputeThinU);
    PodBasis pod;
    pod.criterion = opt.criterion;
    pod.singularValues = svd.singularValues();
    pod.energySquared = cumulativeEnergy(pod.singularValues, EnergyCriterion::SquaredSingularValues);
    pod.energyPlain = cumulativeEnergy(pod.singularValues, EnergyCriterion::SingularValues);
    const int available = static_cast<int>(pod.singularValues.size());
    const int r = opt.rank > 0 ? std::min(opt.rank, available) : rankForEnergy(pod.singularValues, opt.energy, opt.criterion);
    pod.basis = svd.matrixU().leftCols(r);
    return pod;
}

Eigen::MatrixXd stackStates(const std::vector<const Trajectory*>& trajs) {
    Eigen::Index n = -1, K = 0;
    for (const auto* tr : trajs) {
        if (tr->x.rows() == 0) continue;
        if (n >= 0 && tr->x.rows() != n)
            throw Error("trajectory \"" + tr->id + "\"", "state dimension " + std::to_string(tr->x.rows()) +
                                                             " differs from " + std::to_string(n));
        n = tr->x.rows();
        K += tr->x.cols();
    }
    if (n < 0) throw Error("POD", "no trajectory has states");
    Eigen::MatrixXd X(n, K);
    Eigen::Index c = 0;
    for (const auto* tr : trajs) {
        if (tr->x.rows() == 0) continue;
        X.middleCols(c, tr->x.cols()) = tr->x;
        c += tr->x.cols();
    }
    return X;
}

PodBasis computePod(const std::vector<const Trajectory*>& trajs, const PodOptions& opt) {
    return computePod(stackStates(trajs), opt);
}

}  // namespace sd::data
