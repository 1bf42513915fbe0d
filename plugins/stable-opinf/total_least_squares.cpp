#include "plugins/stable-opinf/total_least_squares.h"

#include "core/common/error.h"
#include "plugins/stable-opinf/least_squares_opinf.h"

#include <Eigen/LU>
#include <Eigen/SVD>

namespace sd::opinf {

QuadraticOperators totalLeastSquaresOpInf(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Zdot,
                                          OperatorSet ops) {
    const Eigen::Index r = Xhat.rows(), K = Xhat.cols();
    if (Zdot.rows() != r || Zdot.cols() != K) throw Error("total least squares", "derivatives do not match the states");
    if (ops.usesInputs() && (U.cols() != K || U.rows() == 0))
        throw Error("total least squares", std::string("operator ") + (ops.B ? "B" : "N") + " needs inputs with " + std::to_string(K) + " samples");
    if (!Xhat.allFinite() || !Zdot.allFinite() || (ops.usesInputs() && !U.allFinite()))
        throw Error("total least squares", "training data contain NaN or Inf");
    const Eigen::MatrixXd D = opInfDataMatrix(Xhat, U, ops);
    const Eigen::Index d = D.cols();
    if (K < d + r)
        throw Error("total least squares", "only " + std::to_string(K) + " samples for " + std::to_string(d) + " unknowns per row and " +
                                               std::to_string(r) + " derivative columns; use more data or a smaller basis");
    Eigen::MatrixXd C(K, d + r);
    C << D, Zdot.transpose();
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(C, Eigen::ComputeThinV);
    const Eigen::MatrixXd& Psi = svd.matrixV();
    const Eigen::MatrixXd Psi12 = Psi.topRightCorner(d, r), Psi22 = Psi.bottomRightCorner(r, r);
    const Eigen::FullPivLU<Eigen::MatrixXd> lu(Psi22);
    // Ψ₂₂ is r×r with entries ≤ 1; a tiny smallest singular value means no (stable) TLS solution.
    const Eigen::JacobiSVD<Eigen::MatrixXd> s22(Psi22);
    if (!lu.isInvertible() || s22.singularValues().minCoeff() < 1e-12)
        throw Error("total least squares", "no solution: the trailing block of the right singular vectors is singular "
                                           "(the data do not determine the derivatives); use the tikhonov or tsvd solver");
    return operatorsFromCoefficients(-Psi12 * lu.inverse(), ops, r, ops.usesInputs() ? U.rows() : 0);
}

}  // namespace sd::opinf
