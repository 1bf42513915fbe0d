#include "plugins/stable-opinf/least_squares_opinf.h"

#include "core/common/error.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <Eigen/Cholesky>

namespace sd::opinf {

LeastSquaresOpInf::LeastSquaresOpInf(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Zdot,
                                     OperatorSet ops)
    : ops_(ops), r_(Xhat.rows()), m_(ops.B ? U.rows() : 0) {
    const Eigen::Index K = Xhat.cols();
    if (Zdot.rows() != r_ || Zdot.cols() != K)
        throw Error("operator inference", "derivative matrix is " + std::to_string(Zdot.rows()) + "×" +
                                              std::to_string(Zdot.cols()) + ", states are " + std::to_string(r_) +
                                              "×" + std::to_string(K));
    if (ops.B && (U.cols() != K || U.rows() == 0))
        throw Error("operator inference", "operator B needs inputs with " + std::to_string(K) + " samples");
    if (!Xhat.allFinite() || !Zdot.allFinite() || (ops.B && !U.allFinite()))
        throw Error("operator inference", "training data contain NaN or Inf");

    const Eigen::Index q = compressedQuadraticSize(r_);
    d_ = (ops.c ? 1 : 0) + (ops.A ? r_ : 0) + (ops.H ? q : 0) + (ops.B ? m_ : 0);
    if (K < d_)
        throw Error("operator inference", "only " + std::to_string(K) + " samples for " + std::to_string(d_) +
                                              " unknowns per row; use more data, fewer operators or a smaller basis");

    Eigen::MatrixXd D(K, d_);
    Eigen::Index col = 0;
    if (ops.c) D.col(col++).setOnes();
    if (ops.A) { D.middleCols(col, r_) = Xhat.transpose(); col += r_; }
    if (ops.H) { D.middleCols(col, q) = compressedSquareColumns(Xhat).transpose(); col += q; }
    if (ops.B) { D.middleCols(col, m_) = U.transpose(); col += m_; }

    Eigen::BDCSVD<Eigen::MatrixXd> svd(D, Eigen::ComputeThinU | Eigen::ComputeThinV);
    psi_ = svd.matrixV();
    sigma_ = svd.singularValues();
    phiTZ_ = svd.matrixU().transpose() * Zdot.transpose();
}

QuadraticOperators LeastSquaresOpInf::solve(const RegularisationWeights& w) const {
    for (double v : {w.c, w.A, w.H, w.B})
        if (!(v >= 0.0) || !std::isfinite(v)) throw Error("regularisation", "weights must be finite and non-negative");
    const Eigen::Index q = compressedQuadraticSize(r_);
    Eigen::VectorXd gamma(d_);
    Eigen::Index col = 0;
    if (ops_.c) gamma[col++] = w.c;
    if (ops_.A) { gamma.segment(col, r_).setConstant(w.A); col += r_; }
    if (ops_.H) { gamma.segment(col, q).setConstant(w.H); col += q; }
    if (ops_.B) { gamma.segment(col, m_).setConstant(w.B); col += m_; }

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

    QuadraticOperators out;
    out.ops = ops_;
    out.r = r_;
    out.m = m_;
    const Eigen::MatrixXd O = Ot.transpose();  // r×d
    col = 0;
    if (ops_.c) out.c = O.col(col++);
    if (ops_.A) { out.A = O.middleCols(col, r_); col += r_; }
    if (ops_.H) { out.H = expandQuadratic(O.middleCols(col, q), r_); col += q; }
    if (ops_.B) { out.B = O.middleCols(col, m_); col += m_; }
    out.refreshDerived();
    return out;
}

}  // namespace sd::opinf
