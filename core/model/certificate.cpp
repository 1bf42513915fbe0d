#include "core/model/certificate.h"

#include "core/common/error.h"
#include "core/common/json_number.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace sd::model {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<GuaranteeKind, const char*>, 8> kKindNames{{
    {GuaranteeKind::None, "none"},
    {GuaranteeKind::ExponentialStability, "exponential-stability"},
    {GuaranteeKind::BoundedInputBoundedState, "bibs"},
    {GuaranteeKind::LocalStability, "local-stability"},
    {GuaranteeKind::Contraction, "contraction"},
    {GuaranteeKind::Lipschitz, "lipschitz"},
    {GuaranteeKind::IncrementalDissipativity, "incremental-dissipativity"},
    {GuaranteeKind::IncrementalPassivity, "incremental-passivity"},
}};

std::optional<double> optionalNumber(const json& row, const char* key, const std::string& where) {
    if (!row.contains(key)) return std::nullopt;
    const json& v = row[key];
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) throw Error(where, std::string("\"") + key + "\" must be a number or null");
    return v.get<double>();
}

}  // namespace

std::string toString(GuaranteeKind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind) return name;
    return "none";
}

std::optional<GuaranteeKind> guaranteeKindFromString(const std::string& name) {
    for (const auto& [k, n] : kKindNames)
        if (name == n) return k;
    return std::nullopt;
}

double BibsBound::radius(double inputBound) const {
    if (!(sigmaMinR > 0.0)) return std::numeric_limits<double>::infinity();
    return (normB * inputBound + normC) / sigmaMinR;
}

double BibsBound::stateNormBound(double x0Norm, double inputBound) const {
    const double rho = radius(inputBound);
    if (identityForm) return std::max(x0Norm, rho);
    return std::sqrt(std::max(lambdaMaxQ * x0Norm * x0Norm, rho * rho / lambdaMinQ) / lambdaMinQ);
}

Certificate Certificate::fromDetails(GuaranteeKind kind, json details, const std::string& where) {
    if (!details.is_object()) throw Error(where, "expected a JSON object");
    if (!details.contains("guarantee") || !details["guarantee"].is_string())
        throw Error(where + ": guarantee", "missing or not a string");
    if (!details.contains("verified") || !details["verified"].is_boolean())
        throw Error(where + ": verified", "missing or not a boolean");
    Certificate c;
    c.kind = kind;
    c.guarantee = details["guarantee"].get<std::string>();
    c.verified = details["verified"].get<bool>();
    details.erase("guarantee");
    details.erase("verified");
    if (details.contains("checks")) {
        const json& rows = details["checks"];
        if (!rows.is_array()) throw Error(where + ": checks", "expected an array of {name, passed} rows");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const json& r = rows[i];
            const std::string at = where + ": checks[" + std::to_string(i) + "]";
            if (!r.is_object() || !r.contains("name") || !r["name"].is_string() || !r.contains("passed") || !r["passed"].is_boolean())
                throw Error(at, "expected {\"name\": string, \"passed\": bool}");
            c.checks.push_back({r["name"].get<std::string>(), r["passed"].get<bool>(), optionalNumber(r, "value", at),
                                optionalNumber(r, "limit", at)});
        }
        details.erase("checks");
    }
    c.details = std::move(details);
    return c;
}

json Certificate::toJson() const {
    json j = details.is_object() ? details : json::object();
    j["guarantee"] = guarantee;
    j["verified"] = verified;
    j["kind"] = toString(kind);
    json rows = json::array();
    for (const auto& c : checks) {
        json r = {{"name", c.name}, {"passed", c.passed}};
        if (c.value) r["value"] = jsonNumber(*c.value);
        if (c.limit) r["limit"] = jsonNumber(*c.limit);
        rows.push_back(std::move(r));
    }
    j["checks"] = std::move(rows);
    return j;
}

}  // namespace sd::model
