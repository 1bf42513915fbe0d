#pragma once
// Kronecker-product conventions for the cubic term G (x ⊗ x ⊗ x) and the bilinear term N (u ⊗ x)
// (docs/methods/stable-opinf.md §1.2).
//
// Full cubic vector (numpy's kron(x, kron(x, x))): (x ⊗ x ⊗ x)[i·n² + j·n + k] = x_i x_j x_k, 0-based.
// The non-redundant ("compressed") cubic vector, as in the opinf package, concatenates for i = 0..n−1 the
// products x_i · q[0 .. (i+1)(i+2)/2) with q the compressed quadratic vector of quadratic_terms.h — i.e. the
// products x_i x_j x_k for k ≤ j ≤ i, ordered by i, then j, then k; length n(n+1)(n+2)/6.
// Compressing G sums the columns of the distinct permutations of (i, j, k); expanding spreads a compressed
// column equally over them. Both preserve the action on x ⊗ x ⊗ x.
//
// Bilinear vector (numpy's kron(u, x)): (u ⊗ x)[j·n + k] = u_j x_k — no redundancy, N is r × m·n.
#include <Eigen/Core>

namespace sd::opinf {

/// n(n+1)(n+2)/6.
Eigen::Index compressedCubicSize(Eigen::Index n);

/// Column-wise full Kronecker cube: X is n×K, result n³×K.
Eigen::MatrixXd kronCubeColumns(const Eigen::MatrixXd& X);

/// Column-wise compressed cubic: X is n×K, result n(n+1)(n+2)/6 × K.
Eigen::MatrixXd compressedCubeColumns(const Eigen::MatrixXd& X);

/// G (r×n³) → G̃ (r×n(n+1)(n+2)/6) with the same action on x ⊗ x ⊗ x.
Eigen::MatrixXd compressCubic(const Eigen::MatrixXd& G, Eigen::Index n);

/// G̃ → the fully symmetric G (r×n³) with the same action.
Eigen::MatrixXd expandCubic(const Eigen::MatrixXd& Gc, Eigen::Index n);

/// Column-wise u ⊗ x: U is m×K, X is n×K, result m·n × K.
Eigen::MatrixXd inputStateColumns(const Eigen::MatrixXd& U, const Eigen::MatrixXd& X);

}  // namespace sd::opinf
