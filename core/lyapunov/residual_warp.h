#pragma once
// ResidualWarp — the optional invertible input warp F of docs/methods/stable-dynamics.md §4 (paper eq. 14):
//
//   F(x) = x + s·B·tanh(A x + a),   s = γ / √(‖A‖_F²·‖B‖_F² + 1e-12),
//
// with A (h×n), a (h×1), B (n×h) unconstrained parameters and γ ∈ (0, 1) fixed. Since ‖tanh'‖ ≤ 1 and the
// spectral norm is at most the Frobenius norm, the residual R(x) = F(x) − x has Lipschitz constant
// ≤ s‖B‖₂‖A‖₂ ≤ γ < 1 for EVERY parameter value. Hence F is a bi-Lipschitz bijection of ℝⁿ
// (F⁻¹(y) is the unique fixed point of x ↦ y − R(x), reached at rate γ), its Jacobian
// J = I + s·B·diag(tanh')·A is nonsingular with det J > 0, and F is C^∞.
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"

namespace sd::lyap {

class ResidualWarp {
public:
    /// n ≥ 1 inputs, h ≥ 1 hidden units, 0 < lipschitz < 1. A, a, B initialised like nn.Linear
    /// (U(±1/√fan_in)). Throws sd::Error for bad arguments.
    ResidualWarp(Eigen::Index n, Eigen::Index hidden, double lipschitz, Rng& rng);

    /// The forward pass with what the Jacobian products reuse.
    struct Evaluation {
        ad::Var y;        ///< F(x), n×B
        ad::Var t;        ///< tanh(A x + a), h×B
        ad::Var scale;    ///< s, 1×1
    };
    /// F(x) for a batch x (n×B) as graph nodes (differentiable in x and the parameters).
    Evaluation evaluate(const ad::Var& x) const;
    /// J_F(x)ᵀ v = v + s·Aᵀ((1 − t²) ⊙ (Bᵀ v)) for the x of `e`, column by column (v is n×B).
    ad::Var jacobianTranspose(const Evaluation& e, const ad::Var& v) const;

    /// F⁻¹(Y) by the fixed-point iteration X ← Y − R(X) (plain Eigen), until the largest column change is
    /// ≤ tol·(1 + ‖Y_col‖) or maxIterations. Throws sd::Error if it does not converge.
    Eigen::MatrixXd inverse(const Eigen::MatrixXd& Y, double tol = 1e-14, int maxIterations = 1000) const;
    /// F(X) in plain Eigen (same arithmetic as evaluate()).
    Eigen::MatrixXd apply(const Eigen::MatrixXd& X) const;
    /// The proven bound s·‖A‖_F·‖B‖_F (≤ γ) on the residual's Lipschitz constant.
    double lipschitzBound() const;

    double lipschitz() const { return gamma_; }
    Eigen::Index hidden() const { return A_.rows(); }
    /// "A", "a", "B".
    nn::ParameterSet parameters() const;

private:
    double gamma_;
    ad::Var A_, a_, B_;
};

}  // namespace sd::lyap
