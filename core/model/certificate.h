#pragma once
// sd::model::Certificate — what a model guarantees and the numbers that prove it, as typed fields.
//
// Model::certify() returns one; the studio, the CLI and the bindings read these fields and never a
// plugin's certificate JSON keys. The spec, for every plugin and every model:
//
//  * Recomputed, never trusted: certify() computes every field from exactly the parameters that
//    evaluation uses. Nothing read from a model file is reported as verified.
//  * `kind` says WHICH property the model claims; `verified` says whether this model's numbers
//    establish it. kind == None ⇒ verified == false. verified ⇒ every row of `checks` passed.
//  * A typed field that does not belong to the model is empty: NaN for numbers, std::nullopt, an empty
//    vector. The fields each kind fills are listed at GuaranteeKind.
//  * `details` are the plugin's own numbers (docs/model-schema.md, per plugin): shown to users and
//    exported, never read by the app to make a decision.
//  * toJson() is the model document's "certificate" object: `details` plus the keys "guarantee",
//    "verified", "kind" and "checks" written from the typed fields. Documents of schema v1 written
//    before "kind"/"checks" existed stay readable (a certificate is recomputed on import anyway).
#include <complex>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sd::model {

/// The property a certificate claims. Typed fields it fills (besides guarantee/verified/checks):
enum class GuaranteeKind {
    None,                       ///< nothing (baselines, least-squares OpInf, untrained models)
    ExponentialStability,       ///< V(x(t)) ≤ V(x₀)·e^{−αt} for every x₀, V(0) = 0, V > 0 elsewhere:
                                ///< decreaseRate = α (lyapunov-net "stable"; vae-latent "stable", latent state)
    BoundedInputBoundedState,   ///< ‖x(t)‖ bounded for bounded inputs: bibs (stable-opinf "stable")
    LocalStability,             ///< x = 0 locally asymptotically stable for u = 0 (stable-opinf "locally-stable")
    Contraction,                ///< any two state trajectories under the same input converge (ren contracting)
    Lipschitz,                  ///< contracting and ‖Δy‖ ≤ γ‖Δu‖: lipschitzBound = γ (ren lipschitz)
    IncrementalDissipativity,   ///< contracting and incrementally (Q, S, R)-dissipative (ren general)
    IncrementalPassivity,       ///< contracting and incrementally passive (ren passive)
};

/// "none", "exponential-stability", "bibs", "local-stability", "contraction", "lipschitz",
/// "incremental-dissipativity", "incremental-passivity" (the JSON "kind").
std::string toString(GuaranteeKind kind);
/// The inverse of toString; std::nullopt for an unknown name.
std::optional<GuaranteeKind> guaranteeKindFromString(const std::string& name);

/// One numerical check behind `verified`. `name` states the condition (e.g. "dV/dt <= -alpha*V on the
/// samples"); `value` is the measured number it compares with `limit` (absent when the check has no
/// single number; NaN/±∞ when the measurement itself is not finite). JSON: {"name", "passed", "value"?,
/// "limit"?}, a non-finite number written as null.
struct CertificateCheck {
    std::string name;
    bool passed = false;
    std::optional<double> value;
    std::optional<double> limit;
};

/// The bounded-input bounded-state bound of a model with V(x) = ½xᵀQx (Q = I: "identity form"): for
/// every input with ‖u(t)‖₂ ≤ U at all times, with ρ(U) = (normB·U + normC) / sigmaMinR,
///   identity form:  ‖x(t)‖ ≤ max(‖x(0)‖, ρ(U));
///   quadratic form: ‖x(t)‖ ≤ √(max(λmax(Q)·‖x(0)‖², ρ(U)²/λmin(Q)) / λmin(Q))
/// (x = the reduced state for a model in a basis). ρ = +∞ when sigmaMinR ≤ 0 or is NaN.
struct BibsBound {
    double sigmaMinR = 0.0;   ///< σ_min(R), the dissipation rate of the linear part
    double normB = 0.0;       ///< ‖B‖₂
    double normC = 0.0;       ///< ‖c‖₂
    bool identityForm = true;
    double lambdaMinQ = 1.0, lambdaMaxQ = 1.0;

    /// ρ(U) for an input bound U ≥ 0.
    double radius(double inputBound) const;
    /// The bound on ‖x(t)‖, t ≥ 0, from ‖x(0)‖ = x0Norm under ‖u‖∞ ≤ inputBound (formulas above).
    double stateNormBound(double x0Norm, double inputBound) const;
};

struct Certificate {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

    GuaranteeKind kind = GuaranteeKind::None;
    std::string guarantee;          ///< the claim in words (what a user reads first)
    bool verified = false;
    std::vector<CertificateCheck> checks;

    double decreaseRate = kNaN;     ///< ExponentialStability: α
    std::optional<BibsBound> bibs;  ///< BoundedInputBoundedState
    double lipschitzBound = kNaN;   ///< Lipschitz: γ, in the model's signal units (ren: standardised)
    /// A measured lower bound on the model's incremental gain ‖Δy‖/‖Δu‖ (ren simulation models after
    /// training), in the same units as lipschitzBound; NaN when not measured. Any kind.
    double observedSensitivity = kNaN;
    /// Eigenvalues of the linear part A where the model has one (stable-opinf: ẋ = Ax + …; ren: x⁺ = Ax + …).
    std::vector<std::complex<double>> eigenvalues;
    bool discreteTime = false;      ///< eigenvalues are of x⁺ = Ax (stable: |λ| < 1), not ẋ = Ax (Re λ < 0)

    nlohmann::json details = nlohmann::json::object();   ///< plugin-specific numbers

    /// A certificate whose guarantee, verified and (if present) checks are taken from a plugin's JSON
    /// object `details` — keys "guarantee" (string), "verified" (bool), "checks" (rows as above) — and
    /// removed from it. Throws sd::Error when "guarantee" or "verified" is missing or of the wrong type,
    /// or a check row is malformed (a plugin bug, named with `where`).
    static Certificate fromDetails(GuaranteeKind kind, nlohmann::json details, const std::string& where = "certificate");

    /// The JSON object described at the top of this file.
    nlohmann::json toJson() const;
};

}  // namespace sd::model
