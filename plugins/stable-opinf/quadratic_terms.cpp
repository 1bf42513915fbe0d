#include "plugins/stable-opinf/quadratic_terms.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::opinf {

Eigen::Index compressedQuadraticSize(Eigen::Index n) { return n * (n + 1) / 2; }

Eigen::MatrixXd kronSquareColumns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), K = X.cols();
    Eigen::MatrixXd out(n * n, K);
    for (Eigen::Index i = 0; i < n; ++i)
        out.middleRows(i * n, n) = X.array().rowwise() * X.row(i).array();
    return out;
}

Eigen::MatrixXd compressedSquareColumns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), K = X.cols();
    Eigen::MatrixXd out(compressedQuadraticSize(n), K);
    Eigen::Index row = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        out.middleRows(row, i + 1) = X.topRows(i + 1).array().rowwise() * X.row(i).array();
        row += i + 1;
    }
    return out;
}

Eigen::MatrixXd compressQuadratic(const Eigen::MatrixXd& H) {
    const Eigen::Index n = static_cast<Eigen::Index>(std::llround(std::sqrt(static_cast<double>(H.cols()))));
    if (n * n != H.cols()) throw Error("compressQuadratic", "H has " + std::to_string(H.cols()) + " columns, not a square number");
    Eigen::MatrixXd Hc(H.rows(), compressedQuadraticSize(n));
    Eigen::Index col = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j, ++col)
            Hc.col(col) = (i == j) ? H.col(i * n + i) : Eigen::VectorXd(H.col(i * n + j) + H.col(j * n + i));
    return Hc;
}

Eigen::MatrixXd expandQuadratic(const Eigen::MatrixXd& Hc, Eigen::Index n) {
    if (Hc.cols() != compressedQuadraticSize(n))
        throw Error("expandQuadratic", "expected " + std::to_string(compressedQuadraticSize(n)) + " columns for n = " +
                                           std::to_string(n) + ", found " + std::to_string(Hc.cols()));
    Eigen::MatrixXd H = Eigen::MatrixXd::Zero(Hc.rows(), n * n);
    Eigen::Index col = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j, ++col) {
            if (i == j) {
                H.col(i * n + i) = Hc.col(col);
            } else {
                H.col(i * n + j) = 0.5 * Hc.col(col);
                H.col(j * n + i) = 0.5 * Hc.col(col);
            }
        }
    return H;
}

double energyPreservationResidual(const Eigen::MatrixXd& H, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd K = kronSquareColumns(X);
    const Eigen::MatrixXd HK = H * K;
    double worst = 0.0;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double nx = X.col(j).norm();
        if (nx == 0.0) continue;
        worst = std::max(worst, std::abs(X.col(j).dot(HK.col(j))) / (nx * nx * nx));
    }
    return worst;
}

}  // namespace sd::opinf
