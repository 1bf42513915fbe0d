#include "plugins/stable-opinf/least_squares_opinf.h"

#include "core/common/error.h"
#include "plugins/stable-opinf/cubic_terms.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <Eigen/Cholesky>

namespace sd::opinf {

namespace {

/// Columns per row of the data matrix for each operator.
struct ColumnCounts {
    Eigen::Index c, A, H, G, B, N;
    ColumnCounts(OperatorSet ops, Eigen::Index r, Eigen::Index m)
        : c(ops.c ? 1 : 0), A(ops.A ? r : 0), H(ops.H ? compressedQuadraticSize(r) : 0), G(ops.G ? compressedCubicSize(r) : 0),
          B(ops.B ? m : 0), N(ops.N ? m * r : 0) {}
    Eigen::Index total() const { return c + A + H + G + B + N; }
};

}  // namespace

Eigen::MatrixXd opInfDataMatrix(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, OperatorSet ops) {
    const Eigen::Index r = Xhat.rows(), K = Xhat.cols(), m = ops.usesInputs() ? U.rows() : 0;
    const ColumnCounts n(ops, r, m);
    Eigen::MatrixXd D(K, n.total());
    Eigen::Index col = 0;
    if (ops.c) D.col(col++).setOnes();
    if (ops.A) { D.middleCols(col, n.A) = Xhat.transpose(); col += n.A; }
    if (ops.H) { D.middleCols(col, n.H) = compressedSquareColumns(Xhat).transpose(); col += n.H; }
    if (ops.G) { D.middleCols(col, n.G) = compressedCubeColumns(Xhat).transpose(); col += n.G; }
    if (ops.B) { D.middleCols(col, n.B) = U.transpose(); col += n.B; }
    if (ops.N) { D.middleCols(col, n.N) = inputStateColumns(U, Xhat).transpose(); col += n.N; }
    return D;
}

QuadraticOperators operatorsFromCoefficients(const Eigen::MatrixXd& Ot, OperatorSet ops, Eigen::Index r, Eigen::Index m) {
    const ColumnCounts n(ops, r, m);
    QuadraticOperators out;
    out.ops = ops;
    out.r = r;
    out.m = m;
    const Eigen::MatrixXd O = Ot.transpose();  // r×d
    Eigen::Index col = 0;
    if (ops.c) out.c = O.col(col++);
    if (ops.A) { out.A = O.middleCols(col, n.A); col += n.A; }
    if (ops.H) { out.H = expandQuadratic(O.middleCols(col, n.H), r); col += n.H; }
    if (ops.G) { out.G = expandCubic(O.middleCols(col, n.G), r); col += n.G; }
    if (ops.B) { out.B = O.middleCols(col, n.B); col += n.B; }
    if (ops.N) { out.N = O.middleCols(col, n.N); col += n.N; }
    out.refreshDerived();
    return out;
}

LeastSquaresOpInf::LeastSquaresOpInf(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Zdot,
                                     OperatorSet ops)
    : ops_(ops), r_(Xhat.rows()), m_(ops.usesInputs() ? U.rows() : 0) {
    const Eigen::Index K = Xhat.cols();
    if (Zdot.rows() != r_ || Zdot.cols() != K)
        throw Error("operator inference", "derivative matrix is " + std::to_string(Zdot.rows()) + "×" +
                                              std::to_string(Zdot.cols()) + ", states are " + std::to_string(r_) +
                                              "×" + std::to_string(K));
    if (ops.usesInputs() && (U.cols() != K || U.rows() == 0))
        throw Error("operator inference", std::string("operator ") + (ops.B ? "B" : "N") + " needs inputs with " + std::to_string(K) + " samples");
    if (!Xhat.allFinite() || !Zdot.allFinite() || (ops.usesInputs() && !U.allFinite()))
        throw Error("operator inference", "training data contain NaN or Inf");

    d_ = ColumnCounts(ops, r_, m_).total();
    if (K < d_)
        throw Error("operator inference", "only " + std::to_string(K) + " samples for " + std::to_string(d_) +
                                              " unknowns per row; use more data, fewer operators or a smaller basis");

    const Eigen::MatrixXd D = opInfDataMatrix(Xhat, U, ops);

    Eigen::BDCSVD<Eigen::MatrixXd> svd(D, Eigen::ComputeThinU | Eigen::ComputeThinV);
    psi_ = svd.matrixV();
    sigma_ = svd.singularValues();
    phiTZ_ = svd.matrixU().transpose() * Zdot.transpose();
}

QuadraticOperators LeastSquaresOpInf::solve(const RegularisationWeights& w) const {
    for (double v : {w.c, w.A, w.H, w.G, w.B, w.N})
        if (!(v >= 0.0) || !std::isfinite(v)) throw Error("regularisation", "weights must be finite and non-negative");
    const ColumnCounts n(ops_, r_, m_);
    Eigen::VectorXd gamma(d_);
    Eigen::Index col = 0;
    if (ops_.c) gamma[col++] = w.c;
    if (ops_.A) { gamma.segment(col, n.A).setConstant(w.A); col += n.A; }
    if (ops_.H) { gamma.segment(col, n.H).setConstant(w.H); col += n.H; }
    if (ops_.G) { gamma.segment(col, n.G).setConstant(w.G); col += n.G; }
    if (ops_.B) { gamma.segment(col, n.B).setConstant(w.B); col += n.B; }
    if (ops_.N) { gamma.segment(col, n.N).setConstant(w.N); col += n.N; }

    Eigen::MatrixXd Ot;  // d×r
    const bool uniform = (gamma.array() == gamma[0]).all();
    if (uniform) {
        // Closed form; σ below a relative threshold is treated as zero (minimum-norm solution).
        const double lambda2 = gamma[0] * gamma[0];
        const double cutoff = sigma_.size() ? sigma_[0] * 1e-13 * static_cast<double>(d_) : 0.0;
        Eigen::VectorXd filt(sigma_.size());
        for (Eigen::Index i = 0; i < sigma_.size(); ++i)
            filt[i] = (lambda2 == 0.0 && sigma_[i] <= cutoff) ? 0.0 : sigma_[i] / (sigma_[i] * sigma_[i] + lambda2);
        Ot = psi_ * (filt.asDiagonal() * phiTZ_);
    } else {
        const Eigen::MatrixXd G = psi_ * sigma_.array().square().matrix().asDiagonal() * psi_.transpose() +
                                  Eigen::MatrixXd(gamma.array().square().matrix().asDiagonal());
        const Eigen::MatrixXd rhs = psi_ * (sigma_.asDiagonal() * phiTZ_);
        Eigen::LDLT<Eigen::MatrixXd> ldlt(G);
        Ot = ldlt.solve(rhs);
    }

    return operatorsFromCoefficients(Ot, ops_, r_, m_);
}

Eigen::Index LeastSquaresOpInf::truncationRank(Eigen::Index rank, double tol) const {
    if (rank < 0 || rank > d_)
        throw Error("hyperparameter 'tsvd_rank'", "must be in [0, " + std::to_string(d_) + "] (the number of unknowns per row), found " +
                                                      std::to_string(rank));
    if (!(tol >= 0.0 && tol < 1.0)) throw Error("hyperparameter 'tsvd_tolerance'", "must be in [0, 1)");
    if (rank > 0) return rank;
    Eigen::Index k = 0;
    while (k < sigma_.size() && sigma_[k] > tol * sigma_[0]) ++k;
    return std::max<Eigen::Index>(k, 1);
}

QuadraticOperators LeastSquaresOpInf::solveTruncated(Eigen::Index rank, double tol) const {
    const Eigen::Index k = truncationRank(rank, tol);
    Eigen::VectorXd inv = Eigen::VectorXd::Zero(sigma_.size());
    for (Eigen::Index i = 0; i < k; ++i) inv[i] = sigma_[i] > 0.0 ? 1.0 / sigma_[i] : 0.0;
    return operatorsFromCoefficients(psi_ * (inv.asDiagonal() * phiTZ_), ops_, r_, m_);
}

}  // namespace sd::opinf
