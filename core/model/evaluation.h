#pragma once
// Scoring a model on a dataset split — the numbers `stabledyn eval` prints and the studio's
// time-series tab shows, computed by one code path.
//
// Per trajectory:
//   * unordered (x, ẋ) pair set, continuous model: relative derivative error ‖Ẋ − f(X)‖_F / ‖Ẋ‖_F and the MSE;
//   * trajectory with states: the model's prediction from x(t0) under the trajectory's inputs;
//     relative state error ‖X − X̂‖_F / ‖X‖_F (docs/methods/core.md §8) and the MSE; NaN when it diverged
//     or stalled (the prediction is incomplete; a stall is counted apart from a divergence);
//   * trajectory with outputs and a model predicting outputs: NRMSE averaged over channels after
//     `washout` samples (docs/methods/core.md §8).
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::model {

struct TrajectoryScore {
    std::string id;
    std::string kind;                 ///< "pairs", "states", "outputs"
    double relativeError = std::numeric_limits<double>::quiet_NaN();
    double mse = std::numeric_limits<double>::quiet_NaN();
    double nrmse = std::numeric_limits<double>::quiet_NaN();
    bool diverged = false;
    double divergenceTime = std::numeric_limits<double>::quiet_NaN();
    bool stalled = false;             ///< Prediction::stalled: bounded, but the integrator gave up
    double stallTime = std::numeric_limits<double>::quiet_NaN();
    double restTime = std::numeric_limits<double>::quiet_NaN();   ///< Prediction::restTime
};

struct EvaluationReport {
    std::string split;
    std::vector<TrajectoryScore> trajectories;
    double meanRelativeError = std::numeric_limits<double>::quiet_NaN();  ///< over non-diverged trajectories with a state/pair score
    double meanNrmse = std::numeric_limits<double>::quiet_NaN();
    int divergedCount = 0;
    int stalledCount = 0;

    /// Non-finite numbers become null.
    nlohmann::json toJson() const;
};

/// Scores every trajectory of `split` (all trajectories if the split does not exist and `split` is
/// empty). Throws sd::Error if the split is named but absent, or if the data do not fit the model.
EvaluationReport evaluate(const Model& model, const data::Dataset& ds, const std::string& split, Eigen::Index washout = 0);

}  // namespace sd::model
