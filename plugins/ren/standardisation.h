#pragma once
// Input and output standardisation of the ren plugin's models (REN, baselines, LBDN), fitted when training
// starts and exported with the model (docs/methods/ren.md §6.1).
#include "core/data/dataset.h"
#include "core/data/normalization.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace sd::ren {

struct Standardisation {
    data::ChannelScaler inputs, outputs;
};

/// With hyperparameter "standardise": per-channel mean / standard deviation of the inputs (nu channels) and
/// outputs (ny channels) over the trajectory named by "normalisation_trajectory", or over `trainSet` when
/// that is empty; a side with no channels gets the empty identity. Without "standardise": identities.
/// Throws sd::Error("hyperparameter 'normalisation_trajectory'", …) when the dataset has no such trajectory
/// (also without "standardise").
Standardisation fitStandardisation(const nlohmann::json& hyper, const data::Dataset& ds,
                                   const std::vector<const data::Trajectory*>& trainSet, Eigen::Index nu, Eigen::Index ny);

}  // namespace sd::ren
