#pragma once
// The training derivatives Ẋ of one trajectory as the hyperparameters ask (docs/methods/stable-opinf.md §9,
// estimators in docs/methods/core.md §4): given ẋ, finite differences of order 2/4/6 on uniform or
// non-uniform grids, or the smoothed local-polynomial estimate.
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>

namespace sd::opinf {

/// `hyper` is a validated stable-opinf hyperparameter object (keys derivatives, smooth_window, smooth_degree).
/// Throws sd::Error naming the trajectory when ẋ is required but missing or the grid cannot be used.
Eigen::MatrixXd trajectoryDerivatives(const data::Trajectory& trajectory, const nlohmann::json& hyper);

}  // namespace sd::opinf
