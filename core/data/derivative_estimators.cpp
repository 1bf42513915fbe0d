#include "core/data/derivative_estimators.h"

#include "core/common/error.h"

#include <Eigen/QR>
#include <algorithm>
#include <array>
#include <cmath>

namespace sd::data {

std::vector<double> finiteDifferenceWeightsAt(const std::vector<double>& x, double z) {
    // Fornberg (1988), derivative orders 0 and 1 only: c[j][k] is the weight of node j for derivative k.
    const std::size_t n = x.size();
    std::vector<std::array<double, 2>> c(n, {0.0, 0.0});
    if (n == 0) return {};
    double c1 = 1.0, c4 = x[0] - z;
    c[0][0] = 1.0;
    for (std::size_t i = 1; i < n; ++i) {
        double c2 = 1.0;
        const double c5 = c4;
        c4 = x[i] - z;
        for (std::size_t j = 0; j < i; ++j) {
            const double c3 = x[i] - x[j];
            c2 *= c3;
            if (j == i - 1) {
                c[i][1] = c1 * (c[i - 1][0] - c5 * c[i - 1][1]) / c2;
                c[i][0] = -c1 * c5 * c[i - 1][0] / c2;
            }
            c[j][1] = (c4 * c[j][1] - c[j][0]) / c3;
            c[j][0] = c4 * c[j][0] / c3;
        }
        c1 = c2;
    }
    std::vector<double> w(n);
    for (std::size_t j = 0; j < n; ++j) w[j] = c[j][1];
    return w;
}

namespace {

void checkGrid(const Eigen::VectorXd& t, Eigen::Index samples, const std::string& where) {
    if (t.size() != samples)
        throw Error(where, "t has " + std::to_string(t.size()) + " samples but x has " + std::to_string(samples));
    for (Eigen::Index k = 0; k < t.size(); ++k) {
        if (!std::isfinite(t[k])) throw Error(where + ": t[" + std::to_string(k) + "]", "is not finite");
        if (k > 0 && !(t[k] > t[k - 1]))
            throw Error(where + ": t[" + std::to_string(k) + "]", "time must increase strictly (found " +
                                                                   std::to_string(t[k]) + " after " + std::to_string(t[k - 1]) + ")");
    }
}

/// First sample of the `width`-sample window used at sample j: centred, shifted inwards at the ends.
Eigen::Index windowStart(Eigen::Index j, Eigen::Index width, Eigen::Index K) {
    const Eigen::Index half = width / 2;
    return std::clamp<Eigen::Index>(j - half, 0, K - width);
}

}  // namespace

bool isUniformGrid(const Eigen::VectorXd& t, double tolerance) {
    const Eigen::Index K = t.size();
    if (K < 2) return true;
    const double dt = (t[K - 1] - t[0]) / static_cast<double>(K - 1);
    for (Eigen::Index k = 1; k < K; ++k)
        if (std::abs((t[k] - t[k - 1]) - dt) > tolerance * std::abs(dt)) return false;
    return true;
}

Eigen::MatrixXd finiteDifferenceNonUniform(const Eigen::MatrixXd& x, const Eigen::VectorXd& t, int order,
                                           const std::string& where) {
    if (order != 2 && order != 4 && order != 6)
        throw Error(where, "finite-difference order must be 2, 4 or 6, found " + std::to_string(order));
    const Eigen::Index K = x.cols(), width = order + 1;
    checkGrid(t, K, where);
    if (K < width)
        throw Error(where, "derivative estimation of order " + std::to_string(order) + " needs at least " +
                               std::to_string(width) + " samples, found " + std::to_string(K));
    Eigen::MatrixXd d(x.rows(), K);
    std::vector<double> nodes(static_cast<std::size_t>(width));
    for (Eigen::Index j = 0; j < K; ++j) {
        const Eigen::Index s = windowStart(j, width, K);
        // Nodes relative to t_j keep the weights accurate when t is far from 0.
        for (Eigen::Index k = 0; k < width; ++k) nodes[static_cast<std::size_t>(k)] = t[s + k] - t[j];
        const std::vector<double> w = finiteDifferenceWeightsAt(nodes, 0.0);
        d.col(j).setZero();
        for (Eigen::Index k = 0; k < width; ++k) d.col(j) += w[static_cast<std::size_t>(k)] * x.col(s + k);
    }
    return d;
}

Eigen::MatrixXd localPolynomialDerivative(const Eigen::MatrixXd& x, const Eigen::VectorXd& t, int window, int degree,
                                          const std::string& where) {
    if (degree < 1) throw Error(where, "smoothing polynomial degree must be at least 1, found " + std::to_string(degree));
    if (window % 2 == 0 || window <= degree)
        throw Error(where, "smoothing window must be odd and larger than the degree " + std::to_string(degree) + ", found " +
                               std::to_string(window));
    const Eigen::Index K = x.cols();
    checkGrid(t, K, where);
    if (K < window)
        throw Error(where, "the smoothing window needs at least " + std::to_string(window) + " samples, found " +
                               std::to_string(K));
    Eigen::MatrixXd d(x.rows(), K);
    Eigen::MatrixXd V(window, degree + 1);
    for (Eigen::Index j = 0; j < K; ++j) {
        const Eigen::Index s = windowStart(j, window, K);
        // Scaled abscissae (t − t_j)/h with h the window span keep the Vandermonde matrix well conditioned.
        const double h = t[s + window - 1] - t[s];
        for (Eigen::Index k = 0; k < window; ++k) {
            const double tau = (t[s + k] - t[j]) / h;
            double p = 1.0;
            for (int e = 0; e <= degree; ++e, p *= tau) V(k, e) = p;
        }
        // Fit a = (VᵀV)⁻¹Vᵀx; the derivative at t_j is a₁/h, i.e. weights g = V R⁻¹ R⁻ᵀ e₁ / h (V = QR).
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(V);
        const Eigen::MatrixXd R = qr.matrixQR().topRows(degree + 1).triangularView<Eigen::Upper>();
        Eigen::VectorXd e1 = Eigen::VectorXd::Zero(degree + 1);
        e1[1] = 1.0;
        const Eigen::VectorXd y = R.transpose().triangularView<Eigen::Lower>().solve(e1);
        const Eigen::VectorXd z = R.triangularView<Eigen::Upper>().solve(y);
        const Eigen::VectorXd g = V * z / h;
        d.col(j) = x.middleCols(s, window) * g;
    }
    return d;
}

Eigen::MatrixXd estimateDerivative(const Trajectory& tr, const DerivativeEstimator& e) {
    const std::string where = "trajectory \"" + tr.id + "\"";
    if (tr.x.rows() == 0) throw Error(where, "no states to differentiate");
    if (tr.t.size() == 0) throw Error(where, "an unordered pair set has no time grid; derivatives must be given");
    if (tr.t.size() != tr.x.cols())
        throw Error(where, "t has " + std::to_string(tr.t.size()) + " samples but x has " + std::to_string(tr.x.cols()));
    if (e.method == DerivativeMethod::LocalPolynomial) return localPolynomialDerivative(tr.x, tr.t, e.window, e.degree, where);
    if (isUniformGrid(tr.t, e.uniformTolerance)) {
        Trajectory copy;
        copy.id = tr.id;
        copy.t = tr.t;
        copy.x = tr.x;
        DerivativeOptions opt;
        opt.order = e.order == 2 ? DerivativeOrder::Second : e.order == 6 ? DerivativeOrder::Sixth : DerivativeOrder::Fourth;
        if (e.order != 2 && e.order != 4 && e.order != 6)
            throw Error(where, "finite-difference order must be 2, 4 or 6, found " + std::to_string(e.order));
        opt.endRule = e.endRule;
        opt.uniformTolerance = e.uniformTolerance;
        opt.overwrite = true;
        estimateDerivatives(copy, opt);
        return copy.dxdt;
    }
    if (e.endRule == EndRule::PredCode)
        throw Error(where, "the predecessor-code end rule needs a uniform time grid; use the default end rule");
    return finiteDifferenceNonUniform(tr.x, tr.t, e.order, where);
}

}  // namespace sd::data
