#include "core/data/derivatives.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::data {

std::vector<double> finiteDifferenceWeights(const std::vector<int>& offsets) {
    // Fornberg (1988): weights c[m][j] for derivative m at x0 = 0 from nodes offsets[0..n]; we need m = 1.
    const std::size_t n = offsets.size();
    std::vector<std::vector<double>> c(2, std::vector<double>(n, 0.0));
    double c1 = 1.0;
    c[0][0] = 1.0;
    for (std::size_t i = 1; i < n; ++i) {
        const double xi = offsets[i];
        const std::size_t mn = std::min<std::size_t>(i, 1);
        double c2 = 1.0;
        for (std::size_t j = 0; j < i; ++j) {
            const double c3 = xi - offsets[j];
            c2 *= c3;
            if (j == i - 1) {
                for (std::size_t k = mn; k >= 1; --k)
                    c[k][i] = c1 * (static_cast<double>(k) * c[k - 1][i - 1] - (offsets[i - 1]) * c[k][i - 1]) / c2;
                c[0][i] = -c1 * offsets[i - 1] * c[0][i - 1] / c2;
            }
            for (std::size_t k = mn; k >= 1; --k) c[k][j] = (xi * c[k][j] - static_cast<double>(k) * c[k - 1][j]) / c3;
            c[0][j] = xi * c[0][j] / c3;
        }
        c1 = c2;
    }
    return c[1];
}

namespace {

// Exact rational weights (numerator / denominator) for the schemes in the reference, so the default
// results match the references bit for bit where possible.
struct Stencil {
    std::vector<int> offsets;
    std::vector<double> weights;   // already divided by the common denominator
};

Stencil fixedStencil(std::vector<int> offsets, std::vector<double> numerators, double denominator) {
    for (double& w : numerators) w /= denominator;
    return {std::move(offsets), std::move(numerators)};
}

Stencil computedStencil(std::vector<int> offsets) {
    auto w = finiteDifferenceWeights(offsets);
    return {std::move(offsets), std::move(w)};
}

// Forward stencil for a sample `j` samples from the start (j < half width). Backward ends are mirrored.
Stencil endStencil(DerivativeOrder order, EndRule rule, int j) {
    const int width = order == DerivativeOrder::Second ? 3 : order == DerivativeOrder::Fourth ? 5 : 7;
    const int shift = rule == EndRule::OpInf ? j : 0;   // OpInf: window starts at sample 0; PredCode: at j
    if (order == DerivativeOrder::Fourth) {
        if (shift == 0) return fixedStencil({0, 1, 2, 3, 4}, {-25, 48, -36, 16, -3}, 12.0);
        if (shift == 1) return fixedStencil({-1, 0, 1, 2, 3}, {-3, -10, 18, -6, 1}, 12.0);
    }
    if (order == DerivativeOrder::Second && shift == 0) return fixedStencil({0, 1, 2}, {-3, 4, -1}, 2.0);
    std::vector<int> offsets(static_cast<std::size_t>(width));
    for (int k = 0; k < width; ++k) offsets[static_cast<std::size_t>(k)] = k - shift;
    return computedStencil(offsets);
}

Stencil centralStencil(DerivativeOrder order) {
    switch (order) {
        case DerivativeOrder::Second: return fixedStencil({-1, 0, 1}, {-1, 0, 1}, 2.0);
        case DerivativeOrder::Fourth: return fixedStencil({-2, -1, 0, 1, 2}, {1, -8, 0, 8, -1}, 12.0);
        case DerivativeOrder::Sixth: break;
    }
    return fixedStencil({-3, -2, -1, 0, 1, 2, 3}, {-1, 9, -45, 0, 45, -9, 1}, 60.0);
}

}  // namespace

Eigen::MatrixXd finiteDifference(const Eigen::MatrixXd& x, double dt, const DerivativeOptions& opt,
                                 const std::string& where) {
    const int half = opt.order == DerivativeOrder::Second ? 1 : opt.order == DerivativeOrder::Fourth ? 2 : 3;
    const int width = 2 * half + 1;
    const Eigen::Index K = x.cols();
    // PredCode needs the one-sided window from sample half-1 to fit; OpInf needs one window.
    const Eigen::Index needed = opt.endRule == EndRule::PredCode ? width + half - 1 : width;
    if (K < needed)
        throw Error(where, "derivative estimation of order " + std::to_string(2 * half) + " needs at least " +
                               std::to_string(needed) + " samples, found " + std::to_string(K));
    if (!(dt > 0.0) || !std::isfinite(dt)) throw Error(where, "time step must be > 0, found " + std::to_string(dt));

    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(x.rows(), K);
    const Stencil central = centralStencil(opt.order);
    for (Eigen::Index j = half; j < K - half; ++j)
        for (std::size_t s = 0; s < central.offsets.size(); ++s)
            if (central.weights[s] != 0.0) d.col(j) += central.weights[s] * x.col(j + central.offsets[s]);
    for (int j = 0; j < half; ++j) {
        const Stencil st = endStencil(opt.order, opt.endRule, j);
        for (std::size_t s = 0; s < st.offsets.size(); ++s) {
            d.col(j) += st.weights[s] * x.col(j + st.offsets[s]);
            // Mirror for the backward end: offsets reversed, derivative sign flipped.
            d.col(K - 1 - j) -= st.weights[s] * x.col(K - 1 - j - st.offsets[s]);
        }
    }
    return d / dt;
}

void estimateDerivatives(Trajectory& tr, const DerivativeOptions& opt) {
    const std::string where = "trajectory \"" + tr.id + "\"";
    if (tr.x.rows() == 0) throw Error(where, "no states to differentiate");
    if (tr.t.size() == 0) throw Error(where, "an unordered pair set has no time grid; derivatives must be given");
    if (tr.t.size() != tr.x.cols())
        throw Error(where, "t has " + std::to_string(tr.t.size()) + " samples but x has " + std::to_string(tr.x.cols()));
    if (!opt.overwrite && tr.dxdt.cols() == tr.x.cols() && tr.dxdt.rows() == tr.x.rows()) return;
    const Eigen::Index K = tr.t.size();
    if (K < 2) throw Error(where, "too few samples for derivative estimation");
    const double dt = (tr.t(K - 1) - tr.t(0)) / static_cast<double>(K - 1);
    for (Eigen::Index k = 1; k < K; ++k) {
        const double step = tr.t(k) - tr.t(k - 1);
        if (std::abs(step - dt) > opt.uniformTolerance * std::abs(dt))
            throw Error(where + ": t[" + std::to_string(k) + "]",
                        "time grid is not uniform (step " + std::to_string(step) + " vs mean " + std::to_string(dt) +
                            "); finite differences need a uniform grid");
    }
    tr.dxdt = finiteDifference(tr.x, dt, opt, where);
}

void estimateDerivatives(Dataset& ds, const DerivativeOptions& opt) {
    for (auto& tr : ds.trajectories)
        if (tr.x.rows() > 0) estimateDerivatives(tr, opt);
}

}  // namespace sd::data
