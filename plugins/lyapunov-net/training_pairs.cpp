#include "plugins/lyapunov-net/training_pairs.h"

#include "core/common/error.h"
#include "core/data/derivatives.h"

namespace sd::lyapnet {

namespace {

Eigen::MatrixXd derivativesOf(const data::Trajectory& tr, const std::string& mode) {
    const bool given = tr.dxdt.rows() == tr.x.rows() && tr.dxdt.cols() == tr.x.cols();
    if (mode == "given" || (mode == "auto" && given)) {
        if (!given) throw Error("trajectory '" + tr.id + "'", "has no state derivatives ẋ (set 'derivatives' to a stencil)");
        return tr.dxdt;
    }
    if (tr.isPairSet()) throw Error("trajectory '" + tr.id + "'", "is a pair set without ẋ; derivatives cannot be estimated without times");
    data::DerivativeOptions opt;
    opt.overwrite = true;
    if (mode == "ord2") opt.order = data::DerivativeOrder::Second;
    if (mode == "ord6") opt.order = data::DerivativeOrder::Sixth;
    data::Trajectory copy = tr;
    data::estimateDerivatives(copy, opt);
    return copy.dxdt;
}

}  // namespace

TrainingPairs collectTrainingPairs(const std::vector<const data::Trajectory*>& trajectories, Eigen::Index n,
                                   const std::string& derivatives) {
    Eigen::Index total = 0;
    for (const auto* tr : trajectories) {
        if (tr->x.rows() != n)
            throw Error("trajectory '" + tr->id + "'", "has " + std::to_string(tr->x.rows()) + " state rows, the model expects " +
                                                          std::to_string(n));
        total += tr->x.cols();
    }
    TrainingPairs p;
    p.X.resize(n, total);
    p.Xdot.resize(n, total);
    Eigen::Index col = 0;
    for (const auto* tr : trajectories) {
        const Eigen::Index k = tr->x.cols();
        p.X.middleCols(col, k) = tr->x;
        p.Xdot.middleCols(col, k) = derivativesOf(*tr, derivatives);
        if (!p.X.middleCols(col, k).allFinite() || !p.Xdot.middleCols(col, k).allFinite())
            throw Error("trajectory '" + tr->id + "'", "contains non-finite states or derivatives");
        col += k;
    }
    return p;
}

}  // namespace sd::lyapnet
