#pragma once
// The certificate of an R2DN (docs/methods/ren.md §13.4), recomputed from the stored parameters every time:
//  * the dissipation LMI of the explicit model (the matrices evaluation uses) with the metric 𝒫 = EᵀP⁻¹E, by Cholesky:
//      contracting:  blkdiag(ᾱ²𝒫, I) − [C₁ 0]ᵀ[C₁ 0] − [A B₁]ᵀ𝒫[A B₁] ≻ 0,
//      lipschitz γ:  blkdiag(ᾱ²𝒫, I, γI) − NᵀN − GᵀG/γ − [A B₁ B₂]ᵀ𝒫[A B₁ B₂] ≻ 0,
//                    N = [C₁ 0 D₁₂], G = [C₂ D₂₁ D₂₂],
//    and 𝒫 ≻ 0; together with ‖φ(a) − φ(b)‖ ≤ ‖a − b‖ they give V(Δx⁺) ≤ ᾱ²V(Δx) (+ γ‖Δu‖² − ‖Δy‖²/γ);
//  * φ is 1-Lipschitz by construction: the orthonormality residual of every sandwich layer's Cayley factors;
//  * contraction by simulation (two initial states, the same input) and the eigenvalues of A.
#include "core/model/certificate.h"
#include "core/nn/parameters.h"
#include "plugins/ren/lmi_check.h"
#include "plugins/ren/r2dn_params.h"

#include <nlohmann/json.hpp>

namespace sd::ren {

struct R2dnLmiReport {
    bool metricPositive = false;       ///< 𝒫 = EᵀP⁻¹E ≻ 0 (Cholesky)
    bool lmiHolds = false;             ///< the dissipation matrix above ≻ 0 (Cholesky)
    double lmiMinEigenvalue = 0.0;     ///< its smallest eigenvalue
    double networkOrthogonality = 0.0; ///< max over φ's layers of max|QᵀQ − I|, Q = [Aᵀ; Bᵀ] recomputed from XY
    bool ok() const { return metricPositive && lmiHolds && networkOrthogonality < 1e-9; }
    nlohmann::json toJson() const;
    std::vector<model::CertificateCheck> checks() const;
};

/// The checks above for `params` (built here under NoGradGuard, exactly as evaluation builds them).
R2dnLmiReport checkR2dnLmi(const RenConfig& config, const nn::ParameterSet& params);

/// Two simulations from N(0, scale²) initial states under the same N(0, 1) input, `steps` samples, seeded.
ContractionReport checkR2dnContractionBySimulation(const RenConfig& config, const ExplicitR2dn& model, int steps, std::uint64_t seed,
                                                   double scale = 1.0);

/// The model's certificate: kind contraction or lipschitz (γ), the checks, A's eigenvalues; `details` (variant,
/// sensitivity, …) is extended. `dataUnitsFactor` = max output scale / min input scale (NaN: not reported).
model::Certificate certifyR2dn(const RenConfig& config, const nn::ParameterSet& params, nlohmann::json details, double dataUnitsFactor);

}  // namespace sd::ren
