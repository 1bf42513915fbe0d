#pragma once
// Training pairs (x, ẋ) for the lyapunov-net regression loss, gathered from a dataset split:
// unordered pair sets contribute their (x, dxdt) columns; trajectories contribute every sample, with ẋ
// from the data or estimated by finite differences (core/data/derivatives.h).
#include "core/data/dataset.h"

#include <string>
#include <vector>

namespace sd::lyapnet {

struct TrainingPairs {
    Eigen::MatrixXd X;     ///< n × N states
    Eigen::MatrixXd Xdot;  ///< n × N derivatives
};

/// `derivatives`: "auto" (ẋ from the data when present, else the 4th-order estimate), "given" (ẋ required),
/// "ord2", "ord4", "ord6" (always estimate; trajectories only). Throws sd::Error naming the trajectory when
/// the state dimension differs from n, ẋ is missing and cannot be estimated, or a value is not finite.
TrainingPairs collectTrainingPairs(const std::vector<const data::Trajectory*>& trajectories, Eigen::Index n,
                                   const std::string& derivatives);

}  // namespace sd::lyapnet
