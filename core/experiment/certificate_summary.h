#pragma once
// What the experiment engine records of a model's certificate (core/model/certificate.h, the typed fields
// only): which guarantee the variant claims, whether it was verified, the observed sensitivity and the bound
// it is checked against, the decrease rate, and the largest real part (or modulus, discrete time) of the
// linear part's eigenvalues.
#include "core/model/certificate.h"

#include <nlohmann/json.hpp>
#include <string>

namespace sd::experiment {

struct CertificateSummary {
    std::string kind = "none";            ///< model::toString(GuaranteeKind)
    std::string guarantee;                ///< the plugin's sentence
    bool claimsGuarantee = false;         ///< kind ≠ none (false for baselines and untrained models)
    bool verified = false;                ///< the plugin recomputed the guarantee's conditions and they hold
    double observedSensitivity = std::numeric_limits<double>::quiet_NaN();   ///< measured incremental gain (ren)
    double bound = std::numeric_limits<double>::quiet_NaN();                 ///< the guaranteed gain γ (Lipschitz)
    double decreaseRate = std::numeric_limits<double>::quiet_NaN();          ///< α (exponential stability)
    /// max Re λ(A) (continuous time) or max |λ(A)| (discrete time); NaN without eigenvalues.
    double spectralAbscissa = std::numeric_limits<double>::quiet_NaN();
};

CertificateSummary summarizeCertificate(const model::Certificate& certificate);

/// {"kind", "guarantee", "claims_guarantee", "verified", "observed_sensitivity", "bound", "decrease_rate",
///  "spectral_abscissa"} (NaN → null).
nlohmann::json toJson(const CertificateSummary& c);

}  // namespace sd::experiment
