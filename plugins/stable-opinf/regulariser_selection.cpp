#include "plugins/stable-opinf/regulariser_selection.h"

#include "core/common/error.h"
#include "core/common/json_number.h"

#include <cmath>
#include <cstdio>

namespace sd::opinf {

namespace {

std::string formatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

}  // namespace

RegulariserSelection selectRegulariser(const std::vector<double>& lambdas, const std::function<CandidateFit(std::size_t)>& fit,
                                       const Eigen::MatrixXd& V, const std::vector<const data::Trajectory*>& validation,
                                       const RolloutOptions& options) {
    if (lambdas.empty()) throw Error("hyperparameter 'lambda_candidates'", "needs at least one candidate λ");
    for (double l : lambdas)
        if (!(l >= 0.0) || !std::isfinite(l)) throw Error("hyperparameter 'lambda_candidates'", "every λ must be finite and ≥ 0");
    if (validation.empty()) throw Error("regulariser selection", "needs at least one trajectory to validate rollouts on");
    for (const auto* tr : validation)
        if (tr->t.size() < 2 || tr->x.cols() != tr->t.size() || tr->x.norm() == 0.0)
            throw Error("regulariser selection: trajectory '" + tr->id + "'", "needs sample times and non-zero states to roll out");

    RegulariserSelection sel;
    sel.validationTrajectories = static_cast<int>(validation.size());
    sel.stabilityMargin = options.stabilityMargin;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        RegulariserCandidate c;
        c.lambda = lambdas[i];
        const CandidateFit f = fit(i);
        c.fitted = f.fitted;
        if (!f.fitted) {
            c.reason = "not fitted (cancelled)";
        } else if (!f.rejectReason.empty()) {
            c.reason = f.rejectReason;
        } else {
            double sum = 0.0;
            bool bounded = true;
            for (const auto* tr : validation) {
                const double e = rolloutRelativeError(f.operators, V, *tr, options);
                if (!std::isfinite(e)) {
                    bounded = false;
                    c.reason = "rollout of '" + tr->id + "' leaves " + formatNumber(options.stabilityMargin) +
                               "× the data's largest state norm or fails";
                    break;
                }
                sum += e;
            }
            c.admissible = bounded;
            if (bounded) {
                c.validationError = sum / static_cast<double>(validation.size());
                if (c.validationError < best) {
                    best = c.validationError;
                    sel.chosen = static_cast<int>(i);
                }
            }
        }
        sel.candidates.push_back(std::move(c));
    }
    return sel;
}

std::string RegulariserSelection::explanation() const {
    int admissible = 0;
    for (const auto& c : candidates) admissible += c.admissible ? 1 : 0;
    if (chosen < 0)
        return "no λ chosen: none of the " + std::to_string(candidates.size()) + " candidates is " +
               (variant == "stable" ? "certified stable with bounded rollouts" : "bounded in validation rollouts");
    const auto& c = candidates[static_cast<std::size_t>(chosen)];
    return "λ = " + formatNumber(c.lambda) + " chosen: lowest validation rollout error " + formatNumber(c.validationError) +
           " among " + std::to_string(admissible) + " of " + std::to_string(candidates.size()) + " candidates " +
           (variant == "stable" ? "certified stable with bounded rollouts" : "whose rollouts stay bounded") + " (" +
           validationSource + ")";
}

nlohmann::json RegulariserSelection::toJson() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : candidates)
        list.push_back({{"lambda", c.lambda},
                        {"fitted", c.fitted},
                        {"admissible", c.admissible},
                        {"validation_error", jsonNumber(c.validationError)},
                        {"reason", c.reason}});
    return {{"method", "validation rollout error among admissible candidates"},
            {"variant", variant},
            {"lambda_meaning", lambdaMeaning},
            {"admissible_rule", variant == "stable" ? "certificate verified and every validation rollout bounded"
                                                    : "every validation rollout bounded"},
            {"stability_margin", stabilityMargin},
            {"error_measure", "mean over validation trajectories of ‖X − V_r X̂‖_F / ‖X‖_F"},
            {"validation", validationSource},
            {"validation_trajectories", validationTrajectories},
            {"candidates", list},
            {"chosen_lambda", chosen >= 0 ? nlohmann::json(candidates[static_cast<std::size_t>(chosen)].lambda) : nlohmann::json()},
            {"explanation", explanation()}};
}

}  // namespace sd::opinf
