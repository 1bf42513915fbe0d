#pragma once
// Autodiff (sd::ad) ops for quadratic models in the full Kronecker form (docs/methods/stable-opinf.md §1.2, §6).
// Each is one graph node with a fast Eigen adjoint and a differentiable adjoint (second order works).
#include "core/autodiff/var.h"

namespace sd::opinf {

/// Column-wise Kronecker square K = X ⊙ X: X is n×B, K is n²×B with K[i·n + k, b] = X[i, b]·X[k, b].
ad::Var kronSquare(const ad::Var& X);

/// Skew-symmetric blocks H = [T₁ − T₁ᵀ, …, Tₙ − Tₙᵀ] from a free T = [T₁ … Tₙ] (n×n², blocks n×n).
/// Every such H is energy-preserving: xᵀH(x⊗x) = Σᵢ xᵢ xᵀ(Tᵢ − Tᵢᵀ)x = 0 exactly.
ad::Var skewBlocks(const ad::Var& T);

/// Construction 1 (docs/methods/stable-opinf.md §6): [H₁Q, …, HₙQ] = H (Iₙ ⊗ Q) for H = [H₁ … Hₙ] (n×n²) and Q (n×n).
ad::Var blocksTimes(const ad::Var& H, const ad::Var& Q);

}  // namespace sd::opinf
