#pragma once
// The generic metric kinds and dataset transforms of the engine (docs/experiment-plan.md, "Metrics").
//
// Metrics:
//   evaluate          model::evaluate on a split: {"split", "score", "score_kind", "mean_relative_error",
//                     "mean_nrmse", "diverged", "stalled", "trajectories": [...]}. score = mean NRMSE when
//                     the data has outputs the model predicts, else the mean relative state (or derivative)
//                     error; null when any trajectory diverged or stalled (the integrator gave up while
//                     bounded). Params: split ("auto" = the validation split, else "test", else the train
//                     split), washout (samples not scored), state_norm_margin (a prediction whose state
//                     norm exceeds margin × the largest state norm of its data counts as diverged — the
//                     operator-inference stability rule), per_trajectory (bool).
//   certificate       the typed certificate fields (kind, guarantee, verified, observed_sensitivity, bound,
//                     decrease_rate, spectral_abscissa) and, from the plugin's details, the listed "fields"
//                     (default: every number, string and boolean at its top level).
//   prediction_sample the first `samples` values of output (or state) channel `channel` of trajectory
//                     `trajectory` of `split`, predicted and true: {"trajectory", "true", "predicted"}.
// Transforms:
//   truncate          keep the first `samples` samples of every trajectory of `split`.
#include "core/experiment/extensions.h"

#include <vector>

namespace sd::experiment {

std::vector<MetricKind> builtinMetricKinds();
std::vector<TransformKind> builtinTransformKinds();

/// The split "auto" means: `validation` if present, else "test", else `train` if present, else "" (all).
std::string autoScoreSplit(const data::Dataset& ds, const std::string& validation, const std::string& train);

}  // namespace sd::experiment
