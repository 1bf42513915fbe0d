#pragma once
// Numerical checks of the guarantee of a built REN, independent of the direct→explicit formulas:
// the LMI behind each class assembled from the recovered implicit matrices and tested by Cholesky,
// well-posedness of the equilibrium, and contraction by simulation from two initial states.
#include "core/model/certificate.h"
#include "plugins/ren/direct_params.h"

#include <nlohmann/json.hpp>

namespace sd::ren {

struct LmiReport {
    bool lmiHolds = false;          ///< Cholesky (LLT) of the class's LMI matrix succeeded
    double lmiMinEigenvalue = 0.0;  ///< smallest eigenvalue of that matrix
    double assemblyMismatch = 0.0;  ///< ‖assembled contraction matrix − H‖_F / max(1, ‖H‖_F)
    bool eInvertible = false;       ///< E has full rank (LU)
    bool wellPosed = false;         ///< 2Λ − ΛD₁₁ − D₁₁ᵀΛ ≻ 0 (LLT) and Λ > 0
    bool rTildePositive = true;     ///< robust classes: R̃ ≻ 0 (LLT); true for C-RENs
    double explicitMismatch = 0.0;  ///< ‖EA − F‖ + ‖EB₁ − B₁‖ + ‖ΛC₁ − C₁‖ + ‖ΛD₁₁ − D₁₁‖ (relative)
    bool ok() const { return lmiHolds && eInvertible && wellPosed && rTildePositive && assemblyMismatch < 1e-9; }
    nlohmann::json toJson() const;
    /// The conditions of ok() as certificate rows (all pass exactly when ok()).
    std::vector<model::CertificateCheck> checks() const;
};

/// The contraction matrix [[E+Eᵀ−P/ᾱ², −C₁ᵀ, Fᵀ], [−C₁, 2Λ−D₁₁−D₁₁ᵀ, B₁ᵀ], [F, B₁, P]] from implicit values
/// (docs/methods/ren.md §9.1).
Eigen::MatrixXd assembleContractionLmi(const RenConfig& config, const ImplicitRen& implicit);

/// For the IQC classes the dissipation LMI is the contraction matrix − LᵀR̃⁻¹L + GᵀQG (docs/methods/ren.md §4.4,
/// §9.1), with L, R̃, G formed here from (C₂, D₂₁, D₂₂, B₂, D₁₂) and (Q, S, R); for a C-REN it is the contraction
/// matrix itself.
LmiReport checkLmi(const RenConfig& config, const ImplicitRen& implicit, const ExplicitRen& model);

/// 𝒫 = Eᵀ P⁻¹ E: V(Δx) = Δxᵀ𝒫Δx is the incremental Lyapunov / storage function.
Eigen::MatrixXd incrementalLyapunovMatrix(const ImplicitRen& implicit);

struct ContractionReport {
    double initialDistance = 0.0, finalDistance = 0.0;
    int steps = 0;
    bool converged() const { return finalDistance <= 1e-6 * std::max(1.0, initialDistance); }
    nlohmann::json toJson() const;
};

/// Two simulations from random initial states (N(0, scale²)) under the same random input (N(0,1),
/// `steps` samples), both seeded by `seed`; reports ‖x^a − x^b‖ at the start and the end.
ContractionReport checkContractionBySimulation(const RenConfig& config, const ExplicitRen& model, int steps,
                                               std::uint64_t seed, double scale = 1.0);

}  // namespace sd::ren
