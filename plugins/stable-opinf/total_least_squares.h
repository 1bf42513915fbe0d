#pragma once
// Total-least-squares operator inference (docs/methods/stable-opinf.md §5.2): errors in the data matrix D
// as well as in the derivatives Ż. With C = [D | Żᵀ] (K×(d+r)) = Φ Σ Ψᵀ and Ψ partitioned after d rows and
// columns, Ψ = [[Ψ₁₁, Ψ₁₂], [Ψ₂₁, Ψ₂₂]], the TLS solution is Oᵀ = −Ψ₁₂ Ψ₂₂⁻¹ (Golub & Van Loan): the
// smallest change [ΔD | ΔŻᵀ] in Frobenius norm that makes the system consistent.
#include "plugins/stable-opinf/quadratic_operators.h"

#include <Eigen/Core>

namespace sd::opinf {

/// X̂ r×K, U m×K (used when ops.B), Ż r×K. Throws sd::Error for mismatched or non-finite data, fewer
/// samples than d + r, or a singular Ψ₂₂ (no TLS solution: the data are too degenerate).
QuadraticOperators totalLeastSquaresOpInf(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Zdot,
                                          OperatorSet ops);

}  // namespace sd::opinf
