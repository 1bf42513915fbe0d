#pragma once
// "Randomise": a fresh, untrained model from the chosen plugin and hyperparameters with a new random
// initialisation seed — the paper's "random networks are stable by construction" demonstration.
//
// Only plugins whose schema has an integer "init_seed" can be randomised (otherwise a new model would be
// the same model). The model gets the current dataset's dimensions, or a 2-D autonomous state space when
// no data is loaded.
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

/// True when `schema` has an integer "init_seed" parameter.
bool canRandomise(const nlohmann::json& schema);
/// Why the Randomise button is disabled for `schema` ("" when it is not).
QString randomiseUnavailableReason(const nlohmann::json& schema);

/// Dimensions for a random model: the dataset's, or 2 states without inputs/outputs when `ds` is null.
data::DatasetInfo randomModelInfo(const data::Dataset* ds);

/// A seed in the schema's init_seed range that differs from `previous`.
std::uint64_t newInitSeed(const nlohmann::json& schema, std::uint64_t previous);

/// plugin.create(hyper with init_seed = seed, info); throws sd::Error like create() does.
std::unique_ptr<model::Model> createRandomModel(const model::ModelPlugin& plugin, nlohmann::json hyper, std::uint64_t seed,
                                                const data::DatasetInfo& info);

}  // namespace sd::studio
