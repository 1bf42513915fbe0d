#pragma once
// Least-squares operator inference (OpInf) with Tikhonov regularisation, one weight per operator.
//
//   min_O ‖D Oᵀ − Zᵀ‖²_F + ‖Γ Oᵀ‖²_F,   D = [1, X̂ᵀ, (X̂ ⊙̃ X̂)ᵀ, (X̂ ⊙̃ X̂ ⊙̃ X̂)ᵀ, Uᵀ, (U ⊙ X̂)ᵀ]
//   (columns of the chosen operators), O = [c A H̃ G̃ B N], Z = dX̂/dt (or the next states, discrete variant),
//   Γ = diag(λ_c, λ_A·I, λ_H·I, λ_G·I, λ_B·I, λ_N·I)    (docs/methods/stable-opinf.md §5).
//
// The data matrix is factorised ONCE by a thin SVD D = Φ Σ Ψᵀ; every solve() reuses it:
// the problem reduces to (Ψ Σ² Ψᵀ + Γ²) Oᵀ = Ψ Σ Φᵀ Zᵀ, a d×d system with d = #columns of D (and to
// the closed form Ψ diag(σ/(σ²+λ²)) Φᵀ Zᵀ when all weights are equal). Sweeping λ is therefore cheap.
#include "plugins/stable-opinf/quadratic_operators.h"

#include <Eigen/Core>
#include <Eigen/SVD>

namespace sd::opinf {

/// The data matrix D (K×d) of the chosen operators' columns in the order c, A, H̃, G̃, B, N.
Eigen::MatrixXd opInfDataMatrix(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, OperatorSet ops);

/// The operators from the stacked coefficients Oᵀ (d×r, rows in the order of opInfDataMatrix's columns);
/// H and G are expanded symmetrically from H̃, G̃.
QuadraticOperators operatorsFromCoefficients(const Eigen::MatrixXd& Ot, OperatorSet ops, Eigen::Index r, Eigen::Index m);

struct RegularisationWeights {
    double c = 0.0, A = 0.0, H = 0.0, B = 0.0, G = 0.0, N = 0.0;
    /// The same weight on every operator.
    static RegularisationWeights uniform(double lambda) { return {lambda, lambda, lambda, lambda, lambda, lambda}; }
};

class LeastSquaresOpInf {
public:
    /// X̂: r×K reduced states, U: m×K inputs (ignored unless ops.B or ops.N), Zdot: r×K targets (derivatives,
    /// or next states for the discrete variant).
    /// Throws sd::Error on mismatched sizes, non-finite data, or fewer samples than unknowns.
    LeastSquaresOpInf(const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Zdot, OperatorSet ops);

    /// Solves for the operators with the given non-negative weights (λ, not λ²).
    QuadraticOperators solve(const RegularisationWeights& w) const;

    /// Truncated SVD (no λ): Oᵀ = Ψ_k Σ_k⁻¹ Φ_kᵀ Zᵀ keeping the k leading singular values — `rank` of them
    /// when rank > 0, else those with σ_i > relativeTolerance·σ_max (at least one). Throws sd::Error for
    /// rank > d or a tolerance outside [0, 1).
    QuadraticOperators solveTruncated(Eigen::Index rank, double relativeTolerance) const;
    /// The k that solveTruncated(rank, relativeTolerance) keeps.
    Eigen::Index truncationRank(Eigen::Index rank, double relativeTolerance) const;

    Eigen::Index unknownsPerRow() const { return d_; }
    /// Singular values of D (descending), for conditioning diagnostics.
    const Eigen::VectorXd& singularValues() const { return sigma_; }

private:
    OperatorSet ops_;
    Eigen::Index r_ = 0, m_ = 0, d_ = 0;
    Eigen::MatrixXd psi_;         ///< d×d right singular vectors
    Eigen::VectorXd sigma_;       ///< d singular values
    Eigen::MatrixXd phiTZ_;       ///< d×r = Φᵀ Zᵀ
};

}  // namespace sd::opinf
