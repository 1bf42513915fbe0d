#pragma once
// Automatic regulariser selection (ours, docs/methods/stable-opinf.md §11): fit one model per candidate λ,
// keep the ADMISSIBLE ones — least squares: every validation rollout stays bounded; stable: the certificate
// is verified AND every rollout stays bounded — and choose the admissible candidate with the smallest mean
// validation rollout error ‖X − V X̂‖_F / ‖X‖_F. The record says which λ won and why the others lost.
#include "core/data/dataset.h"
#include "plugins/stable-opinf/quadratic_operators.h"
#include "plugins/stable-opinf/rollout_validation.h"

#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::opinf {

struct RegulariserCandidate {
    double lambda = 0.0;
    bool fitted = false;          ///< false when the fit was skipped (cancelled) or failed
    bool admissible = false;
    double validationError = std::numeric_limits<double>::quiet_NaN();   ///< mean over rollouts (NaN if unbounded)
    std::string reason;           ///< why the candidate is not admissible (empty if admissible)
};

struct RegulariserSelection {
    std::string variant;                 ///< "least-squares" or "stable"
    std::string lambdaMeaning;           ///< what λ weights
    std::string validationSource;        ///< which trajectories were rolled out
    int validationTrajectories = 0;
    double stabilityMargin = 0.0;
    std::vector<RegulariserCandidate> candidates;
    int chosen = -1;                     ///< index into candidates, −1 if none is admissible

    /// One sentence: the chosen λ and why ("λ = 1e-04: lowest validation rollout error 0.0123 among 4 of 6
    /// candidates whose rollouts stay bounded"), or why none was chosen.
    std::string explanation() const;
    nlohmann::json toJson() const;
};

/// The outcome of fitting one candidate: its operators, and a reason when it must be rejected before any
/// rollout (e.g. "certificate not verified", "fit not finite"); `fitted = false` skips it (cancelled).
struct CandidateFit {
    QuadraticOperators operators;
    bool fitted = true;
    std::string rejectReason;
};

/// Runs the selection. `fit(i)` fits candidate i (λ = lambdas[i]); V is the basis (empty = identity);
/// every validation trajectory needs ≥ 2 samples, states and (when the operators have B) inputs.
/// Throws sd::Error for an empty candidate or validation list or a negative / non-finite λ.
RegulariserSelection selectRegulariser(const std::vector<double>& lambdas, const std::function<CandidateFit(std::size_t)>& fit,
                                       const Eigen::MatrixXd& V, const std::vector<const data::Trajectory*>& validation,
                                       const RolloutOptions& options);

}  // namespace sd::opinf
