#pragma once
// Kronecker-product conventions for quadratic models ẋ = c + A x + H (x ⊗ x) + B u.
//
// Ordering (as numpy's kron / Eigen's kroneckerProduct): (x ⊗ x)[i·n + k] = x_i x_k, 0-based.
// The non-redundant ("compressed") quadratic vector, as in the opinf package, concatenates for
// i = 0..n−1 the products x_i · x_{0..i}:  [x0², x0x1, x1², x0x2, x1x2, x2², …], length n(n+1)/2.
// Compressing H sums the two columns of each cross term; expanding splits a cross column in halves.
// Both preserve the action on x ⊗ x (see docs/methods/stable-opinf.md §1.2).
#include <Eigen/Core>

namespace sd::opinf {

/// n(n+1)/2.
Eigen::Index compressedQuadraticSize(Eigen::Index n);

/// Column-wise full Kronecker square (Khatri–Rao product): X is n×K, result n²×K.
Eigen::MatrixXd kronSquareColumns(const Eigen::MatrixXd& X);

/// Column-wise compressed quadratic: X is n×K, result n(n+1)/2 × K.
Eigen::MatrixXd compressedSquareColumns(const Eigen::MatrixXd& X);

/// H (r×n²) → H̃ (r×n(n+1)/2) with the same action on x ⊗ x.
Eigen::MatrixXd compressQuadratic(const Eigen::MatrixXd& H);

/// H̃ (r×n(n+1)/2) → symmetric-in-(j,k) full H (r×n²) with the same action.
Eigen::MatrixXd expandQuadratic(const Eigen::MatrixXd& Hc, Eigen::Index n);

/// max over the columns x of X of |xᵀ H (x⊗x)| / ‖x‖³ — zero for an energy-preserving H (n×n²).
double energyPreservationResidual(const Eigen::MatrixXd& H, const Eigen::MatrixXd& X);

}  // namespace sd::opinf
