#include "core/common/json_number.h"
#include "core/experiment/certificate_summary.h"

#include <cmath>

namespace sd::experiment {

using nlohmann::json;

namespace {
}  // namespace

CertificateSummary summarizeCertificate(const model::Certificate& cert) {
    CertificateSummary c;
    c.kind = model::toString(cert.kind);
    c.guarantee = cert.guarantee;
    c.claimsGuarantee = cert.kind != model::GuaranteeKind::None;
    c.verified = cert.verified;
    c.observedSensitivity = cert.observedSensitivity;
    c.bound = cert.lipschitzBound;
    c.decreaseRate = cert.decreaseRate;
    for (const auto& e : cert.eigenvalues) {
        const double v = cert.discreteTime ? std::abs(e) : e.real();
        c.spectralAbscissa = std::isfinite(c.spectralAbscissa) ? std::max(c.spectralAbscissa, v) : v;
    }
    return c;
}

json toJson(const CertificateSummary& c) {
    return {{"kind", c.kind}, {"guarantee", c.guarantee}, {"claims_guarantee", c.claimsGuarantee}, {"verified", c.verified},
            {"observed_sensitivity", jsonNumber(c.observedSensitivity)}, {"bound", jsonNumber(c.bound)}, {"decrease_rate", jsonNumber(c.decreaseRate)},
            {"spectral_abscissa", jsonNumber(c.spectralAbscissa)}};
}

}  // namespace sd::experiment
