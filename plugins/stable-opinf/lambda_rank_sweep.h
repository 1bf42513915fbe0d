#pragma once
// The regularisation × basis-size sweep (ours; least squares as docs/methods/stable-opinf.md §5): validation error of operator
// inference on a grid of (r, λ), with every cell flagged stable or unstable — what OpInf users do by hand.
//
// Per rank r the POD basis is the leading r columns of ONE POD of the training states, and the
// least-squares data matrix is factorised once (LeastSquaresOpInf), so each λ costs one small solve plus
// the validation simulations. A cell is UNSTABLE when a validation simulation diverges (NaN, step
// failure) or its state norm exceeds `stabilityMargin` × max_k ‖x_k‖₂ of that validation trajectory's
// data (‖x̂‖ = ‖V_r x̂‖), and its error is then NaN. (opinf compares with the training range instead;
// that misflags faithful models when validation inputs are larger than the training ones.) The validation error of a cell is the mean over validation trajectories of
// ‖X − V_r X̂‖_F / ‖X‖_F over all samples (the paper's eq. (25) measure).
//
// JSON format (sweepJson): {
//   "kind": "opinf-lambda-rank-sweep", "variant": "least-squares" | "stable",
//   "ranks": [r…] (rows), "lambdas": [λ…] (columns), "lambda_meaning": "…",
//   "error": [[e or null]…] (ranks × lambdas; null = unstable), "stable": [[bool]…],
//   "max_real_eigenvalue": [[…]…], "train_residual": [[…]…] (mean squared derivative residual),
//   "energy": [retained POD energy per rank, squared singular values],
//   "best": {"rank", "lambda", "error"} over stable cells (null if none),
//   "error_measure": "…", "stability_rule": "…", "validation_trajectories": N, "seconds": total }
#include "core/data/dataset.h"
#include "plugins/stable-opinf/quadratic_operators.h"
#include "plugins/stable-opinf/stable_training.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace sd::opinf {

struct SweepOptions {
    std::vector<int> ranks;                 ///< POD ranks (≥ 1, ≤ state dimension and sample count)
    std::vector<double> lambdas;            ///< least-squares: Tikhonov λ on every operator; stable: λ_H of the L1 penalty
    OperatorSet ops = OperatorSet::parse("AHB");
    double stabilityMargin = 5.0;
    double rtol = 1e-6, atol = 1e-8;        ///< Dopri5 tolerances of the validation simulations
    long long maxSteps = 200000;            ///< integrator steps per simulation before the cell counts as failed
    /// When set, each cell trains the stable variant (identity form, energy-preserving H, least-squares
    /// initialisation with λ = 0) with these options and λ as λ_H, instead of the least-squares fit.
    std::optional<StableTrainingOptions> stableTraining;
};

struct SweepGrid {
    std::vector<int> ranks;
    std::vector<double> lambdas;
    Eigen::MatrixXd error;                  ///< ranks × lambdas, NaN where unstable
    Eigen::MatrixXd maxRealEigenvalue;
    Eigen::MatrixXd trainResidual;
    Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> stable;
    Eigen::VectorXd energy;                 ///< retained energy per rank
    bool stableVariant = false;
    int validationTrajectories = 0;
    double seconds = 0.0;
};

/// Runs the sweep. Training trajectories need states, inputs (when ops.B) and either dxdt or sample times
/// (then the 4th-order stencil, opinf end rule, estimates ẋ). Validation trajectories need t, x, u.
/// Throws sd::Error for empty grids, invalid ranks, or data that do not fit.
SweepGrid sweepLambdaRank(const std::vector<const data::Trajectory*>& train,
                          const std::vector<const data::Trajectory*>& validation, const SweepOptions& options);

nlohmann::json sweepJson(const SweepGrid& grid);

}  // namespace sd::opinf
