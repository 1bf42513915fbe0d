#pragma once
// What the experiment engine reads from a model's certificate, in one place: whether the variant claims a
// guarantee, whether it was verified, the observed sensitivity and the bound it is checked against.
// (The certificate is the plugin's JSON object; when core/model grows typed certificate fields this is the
// only function to change.)
#include <nlohmann/json.hpp>
#include <string>

namespace sd::experiment {

struct CertificateSummary {
    std::string guarantee;                ///< the plugin's sentence ("" if none given)
    bool claimsGuarantee = false;         ///< false for baselines ("none: …") and untrained models
    bool verified = false;                ///< the plugin recomputed the guarantee's conditions and they hold
    double observedSensitivity = std::numeric_limits<double>::quiet_NaN();   ///< measured incremental gain (ren)
    double bound = std::numeric_limits<double>::quiet_NaN();                 ///< the guaranteed gain γ, when there is one
};

/// Reads a certificate object (any plugin); missing or malformed fields stay at their defaults.
CertificateSummary summarizeCertificate(const nlohmann::json& certificate);

/// {"guarantee", "claims_guarantee", "verified", "observed_sensitivity", "bound"} (NaN → null).
nlohmann::json toJson(const CertificateSummary& c);

}  // namespace sd::experiment
