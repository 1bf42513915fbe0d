#pragma once
// Generic quadratic control system  ẋ = A x + H (x⊗x) + B u + c.
//
// Kronecker ordering (as np.kron / Eigen kroneckerProduct): (x⊗x)_{i·n+k} = x_i x_k (0-based), so column
// i·n+k of H multiplies x_i x_k; with blocks H = [H_0 … H_{n−1}], H(x⊗x) = Σ_i x_i H_i x.
// Batches are columns (X is n×B, U is m×B).
#include "core/ode/field.h"

#include <Eigen/Core>
#include <string>

namespace sd::systems {

/// x⊗x (length n²) with (x⊗x)_{i·n+k} = x_i x_k.
Eigen::VectorXd kron2(const Eigen::VectorXd& x);

struct QuadraticSystem {
    Eigen::MatrixXd A;   ///< n×n
    Eigen::MatrixXd H;   ///< n×n², or n×0 for no quadratic term
    Eigen::MatrixXd B;   ///< n×m, m may be 0
    Eigen::VectorXd c;   ///< n, or empty for no constant

    Eigen::Index stateDim() const { return A.rows(); }
    Eigen::Index inputDim() const { return B.cols(); }

    /// Throws sd::Error(where, …) naming the operator whose shape is wrong.
    void validate(const std::string& where = "QuadraticSystem") const;
    /// H(x⊗x) (zero if H is empty).
    Eigen::VectorXd quadraticTerm(const Eigen::VectorXd& x) const;
    /// ẋ for one state; u has m entries (ignored when m = 0).
    Eigen::VectorXd rhs(const Eigen::VectorXd& x, const Eigen::VectorXd& u) const;
    /// Ẋ for a batch (n×B states, m×B inputs).
    Eigen::MatrixXd rhsBatch(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const;
    /// ∂ẋ/∂x = A + [H_0 x … H_{n−1} x] + Σ_i x_i H_i.
    Eigen::MatrixXd jacobian(const Eigen::VectorXd& x) const;
    /// The right-hand sides for core/ode (copies of the operators are captured).
    ode::Field field() const;
    ode::BatchField batchField() const;
};

}  // namespace sd::systems
