#include "core/systems/quadratic_system.h"

#include "core/common/error.h"

namespace sd::systems {

Eigen::VectorXd kron2(const Eigen::VectorXd& x) {
    const Eigen::Index n = x.size();
    Eigen::VectorXd k(n * n);
    for (Eigen::Index i = 0; i < n; ++i) k.segment(i * n, n) = x[i] * x;
    return k;
}

void QuadraticSystem::validate(const std::string& where) const {
    const Eigen::Index n = A.rows();
    auto dims = [](const Eigen::MatrixXd& M) { return std::to_string(M.rows()) + "×" + std::to_string(M.cols()); };
    if (n == 0 || A.cols() != n) throw Error(where + ": A", "expected a non-empty square matrix, got " + dims(A));
    if (H.size() != 0 && (H.rows() != n || H.cols() != n * n))
        throw Error(where + ": H", "expected " + std::to_string(n) + "×" + std::to_string(n * n) + ", got " + dims(H));
    if (B.rows() != n && !(B.size() == 0))
        throw Error(where + ": B", "expected " + std::to_string(n) + " rows, got " + dims(B));
    if (c.size() != 0 && c.size() != n)
        throw Error(where + ": c", "expected length " + std::to_string(n) + ", got " + std::to_string(c.size()));
}

Eigen::VectorXd QuadraticSystem::quadraticTerm(const Eigen::VectorXd& x) const {
    if (H.size() == 0) return Eigen::VectorXd::Zero(A.rows());
    return H * kron2(x);
}

Eigen::VectorXd QuadraticSystem::rhs(const Eigen::VectorXd& x, const Eigen::VectorXd& u) const {
    Eigen::VectorXd d = A * x;
    if (H.size() != 0) d.noalias() += H * kron2(x);
    if (B.cols() > 0) d.noalias() += B * u;
    if (c.size() != 0) d += c;
    return d;
}

Eigen::MatrixXd QuadraticSystem::rhsBatch(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    const Eigen::Index n = A.rows();
    Eigen::MatrixXd D = A * X;
    if (H.size() != 0) {
        Eigen::MatrixXd K(n * n, X.cols());
        for (Eigen::Index i = 0; i < n; ++i) K.middleRows(i * n, n) = X.array().rowwise() * X.row(i).array();
        D.noalias() += H * K;
    }
    if (B.cols() > 0) D.noalias() += B * U;
    if (c.size() != 0) D.colwise() += c;
    return D;
}

Eigen::MatrixXd QuadraticSystem::jacobian(const Eigen::VectorXd& x) const {
    const Eigen::Index n = A.rows();
    Eigen::MatrixXd J = A;
    if (H.size() == 0) return J;
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto Hi = H.middleCols(i * n, n);
        J.col(i).noalias() += Hi * x;
        J += x[i] * Hi;
    }
    return J;
}

ode::Field QuadraticSystem::field() const {
    return [sys = *this](double, const Eigen::VectorXd& x, const Eigen::VectorXd& u) { return sys.rhs(x, u); };
}

ode::BatchField QuadraticSystem::batchField() const {
    return [sys = *this](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) { return sys.rhsBatch(X, U); };
}

}  // namespace sd::systems
