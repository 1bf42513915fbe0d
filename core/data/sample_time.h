#pragma once
// The nominal sample time of loaded trajectories (Dataset::dt), one rule for every loader.
#include "core/data/dataset.h"

#include <vector>

namespace sd::data {

/// The mean step of `t` if the grid is uniform (every step within 1e-6 relative of the mean), else 0.
double uniformStep(const Eigen::VectorXd& t);

/// The first trajectory's uniform step, or 0 when any trajectory with two or more samples is not
/// uniformly sampled (or there are no trajectories).
double nominalSampleTime(const std::vector<Trajectory>& trajectories);

}  // namespace sd::data
