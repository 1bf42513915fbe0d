#include "core/experiment/certificate_summary.h"

#include <cmath>

namespace sd::experiment {

using nlohmann::json;

namespace {
double numberOr(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}
json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
}  // namespace

CertificateSummary summarizeCertificate(const json& cert) {
    CertificateSummary c;
    if (!cert.is_object()) return c;
    if (cert.contains("guarantee") && cert["guarantee"].is_string()) c.guarantee = cert["guarantee"].get<std::string>();
    // Plugins phrase "no guarantee" as a sentence starting with "none".
    c.claimsGuarantee = !c.guarantee.empty() && c.guarantee.rfind("none", 0) != 0;
    c.verified = cert.contains("verified") && cert["verified"].is_boolean() && cert["verified"].get<bool>();
    if (cert.contains("observed_sensitivity")) {
        const json& s = cert["observed_sensitivity"];
        c.observedSensitivity = s.is_number() ? s.get<double>() : numberOr(s, "observed");
        c.bound = numberOr(s, "bound");
    }
    if (!std::isfinite(c.bound)) c.bound = numberOr(cert, "gamma");
    return c;
}

json toJson(const CertificateSummary& c) {
    return {{"guarantee", c.guarantee}, {"claims_guarantee", c.claimsGuarantee}, {"verified", c.verified},
            {"observed_sensitivity", num(c.observedSensitivity)}, {"bound", num(c.bound)}};
}

}  // namespace sd::experiment
