#pragma once
// "Randomise": a fresh, untrained model from the chosen plugin and hyperparameters with a new random
// initialisation seed — the paper's "random networks are stable by construction" demonstration.
//
// Only randomisable plugins (ModelPlugin::isRandomisable) qualify: for the others a new model would be
// the same model. The plugin records the seed in the model's hyperparameters; the model gets the current
// dataset's dimensions, or a 2-D autonomous state space when no data is loaded.
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

namespace sd::model {
class ModelPlugin;
}

namespace sd::studio {

/// Why the Randomise button is disabled for `plugin` ("" when it is not).
QString randomiseUnavailableReason(const model::ModelPlugin& plugin);

/// Dimensions for a random model: the dataset's, or 2 states without inputs/outputs when `ds` is null.
data::DatasetInfo randomModelInfo(const data::Dataset* ds);

/// A seed in [lo, hi] that differs from `previous` (unless lo == hi).
std::uint64_t newRandomSeed(std::uint64_t previous, std::uint64_t lo, std::uint64_t hi);

}  // namespace sd::studio
