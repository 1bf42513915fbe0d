#pragma once
// The cells of a plan: the product datasets × axis values × seeds, in a fixed order, each with its
// resolved configuration and a stable id.
//
// Order: the dataset varies slowest, then the axes in plan order, the seed fastest — so cell i of a plan
// is always the same cell (Slurm array task i runs cell i). The id is the first 16 hex digits of the
// SHA-256 of the resolved configuration (resolvedConfig: plugin, hyperparameters before the plugin's
// defaults are filled, dataset source, seed, training splits, metric specs) in canonical JSON (sorted
// keys, shortest round-trip numbers). It does not depend on names, labels, the order of axes or values,
// comments or the output folder, so renaming an axis or extending a grid keeps the ids of existing cells
// and their results are reused. Execution settings that must not change results (the `threads`
// hyperparameter the runner sets) are not part of it.
#include "core/experiment/plan.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::experiment {

struct Cell {
    int index = 0;
    int dataset = 0;                 ///< index into plan.datasets
    std::vector<int> coords;         ///< value index per axis
    int seedIndex = 0;
    std::uint64_t seed = 0;
    nlohmann::json hyper;            ///< fixed ∪ axis values ∪ seed keys (not yet validated against the schema)
    nlohmann::json validated;        ///< hyper checked against the plugin's schema, defaults filled (checkPlan)
    std::string id;

    /// "dataset=wh, model=C-REN, gamma=2, seed=0" — for progress lines and errors.
    std::string describe(const ExperimentPlan& plan) const;
    /// {"<axis name>": label, …}
    nlohmann::json labels(const ExperimentPlan& plan) const;
};

/// The resolved configuration of a cell (what its id hashes).
nlohmann::json resolvedConfig(const ExperimentPlan& plan, const Cell& cell);

/// SHA-256 of config.dump(), first 16 hex digits.
std::string configId(const nlohmann::json& config);

/// Every cell of the plan in index order, ids filled.
std::vector<Cell> enumerateCells(const ExperimentPlan& plan);

}  // namespace sd::experiment
