#include "plugins/lyapunov-net/known_lyapunov.h"

#include "core/common/error.h"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

namespace sd::lyapnet {

KnownLyapunov KnownLyapunov::quadratic(const Eigen::MatrixXd& P) {
    const std::string where = "lyapunov-net: known_v_P";
    if (P.rows() == 0 || P.rows() != P.cols()) throw Error(where, "P must be a non-empty square matrix");
    if (!P.allFinite()) throw Error(where, "P has NaN or infinite entries");
    const double scale = P.cwiseAbs().maxCoeff();
    if ((P - P.transpose()).cwiseAbs().maxCoeff() > 1e-12 * scale) throw Error(where, "P must be symmetric");
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (P + P.transpose()));
    if (!(eig.eigenvalues().minCoeff() > 0.0))
        throw Error(where, "P must be positive definite (smallest eigenvalue " + std::to_string(eig.eigenvalues().minCoeff()) + ")");
    KnownLyapunov v;
    v.kind_ = Kind::Quadratic;
    v.n_ = P.rows();
    v.P_ = 0.5 * (P + P.transpose());
    v.lowerBound_ = eig.eigenvalues().minCoeff();
    v.upperBound_ = eig.eigenvalues().maxCoeff();
    v.criticalLevel_ = std::numeric_limits<double>::infinity();
    return v;
}

KnownLyapunov KnownLyapunov::pendulumEnergy(Eigen::Index n, double gravity) {
    if (n <= 0 || n % 2 != 0)
        throw Error("lyapunov-net: known_v", "pendulum_energy needs a state (q₁…q_L, u₁…u_L) of even dimension, got " +
                                                 std::to_string(n));
    KnownLyapunov v;
    v.kind_ = Kind::PendulumEnergy;
    v.n_ = n;
    const Eigen::Index L = n / 2;
    const double l = 1.0 / static_cast<double>(L);
    v.c_.resize(L, L);
    v.potential_.resize(L);
    for (Eigen::Index i = 0; i < L; ++i) {
        for (Eigen::Index j = 0; j < L; ++j) v.c_(i, j) = static_cast<double>(L - std::max(i, j)) * l * l;
        v.potential_[i] = gravity * static_cast<double>(L - i) * l;
    }
    v.scale_ = static_cast<double>(L);
    v.lowerBound_ = 0.0;
    v.upperBound_ = std::numeric_limits<double>::infinity();
    // Critical points: u = 0 and each qᵢ ∈ {0, π} (the potential is separable in absolute angles); flipping
    // link i costs L·2·g cᵢᵢ l, smallest for the last link (c = 1): 2g.
    v.criticalLevel_ = v.scale_ * 2.0 * v.potential_.minCoeff();
    return v;
}

Eigen::RowVectorXd KnownLyapunov::evaluate(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient) const {
    if (X.rows() != n_)
        throw Error("lyapunov-net: known V", "states have " + std::to_string(X.rows()) + " rows, expected " + std::to_string(n_));
    const Eigen::Index B = X.cols();
    if (kind_ == Kind::Quadratic) {
        const Eigen::MatrixXd PX = P_ * X;
        if (gradient) *gradient = 2.0 * PX;
        return (X.array() * PX.array()).colwise().sum();
    }
    const Eigen::Index L = n_ / 2;
    Eigen::RowVectorXd V(B);
    if (gradient) gradient->resize(n_, B);
    Eigen::MatrixXd M(L, L), S(L, L);
    for (Eigen::Index b = 0; b < B; ++b) {
        const auto q = X.col(b).head(L);
        const auto u = X.col(b).tail(L);
        for (Eigen::Index i = 0; i < L; ++i)
            for (Eigen::Index j = 0; j < L; ++j) {
                M(i, j) = c_(i, j) * std::cos(q[i] - q[j]);
                S(i, j) = c_(i, j) * std::sin(q[i] - q[j]);
            }
        const Eigen::VectorXd Mu = M * u;
        double potential = 0.0;
        for (Eigen::Index i = 0; i < L; ++i) potential += potential_[i] * (1.0 - std::cos(q[i]));
        V[b] = scale_ * (0.5 * u.dot(Mu) + potential);
        if (gradient) {
            const Eigen::VectorXd Su = S * u;
            for (Eigen::Index k = 0; k < L; ++k) {
                (*gradient)(k, b) = scale_ * (-u[k] * Su[k] + potential_[k] * std::sin(q[k]));
                (*gradient)(L + k, b) = scale_ * Mu[k];
            }
        }
    }
    return V;
}

}  // namespace sd::lyapnet
