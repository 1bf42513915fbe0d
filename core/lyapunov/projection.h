#pragma once
// The projection layer of docs/methods/stable-dynamics.md §5 (paper eq. 10), as graph nodes:
//
//   f = f̂ − ∇V · ReLU(∇Vᵀf̂ + αV) / (‖∇V‖² + δ),
//
// the Euclidean projection of f̂ onto the half-space {v : ∇Vᵀv ≤ −αV} when δ = 0. Column by column:
//   * inactive (∇Vᵀf̂ + αV ≤ 0): f = f̂ exactly (the correction is ∇V·0);
//   * active with δ = 0: ∇Vᵀf = −αV up to rounding;
//   * zero-denominator rule (docs/methods/stable-dynamics.md §5.1): where ‖∇V‖² + δ is exactly 0 (so ∇V = 0),
//     the correction is dropped and f = f̂ (no 0/0).
// Hard ReLU as in the paper and the reference.
#include "core/autodiff/var.h"

namespace sd::lyap {

/// fhat, gradV: n×B; V: 1×B; alpha > 0; denominatorEps ≥ 0. Returns f (n×B).
ad::Var projectOntoDecreaseSet(const ad::Var& fhat, const ad::Var& V, const ad::Var& gradV, double alpha,
                               double denominatorEps);

}  // namespace sd::lyap
