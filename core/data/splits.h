#pragma once
// Named train/validation/test splits, drawn with a caller-owned seeded RNG (reproducible bit for bit).
#include "core/common/rng.h"
#include "core/data/dataset.h"

#include <string>
#include <utility>
#include <vector>

namespace sd::data {

/// Split names with fractions, e.g. {{"train", 0.7}, {"validation", 0.15}, {"test", 0.15}}. Fractions must
/// be > 0 and sum to 1 (±1e-9).
using SplitFractions = std::vector<std::pair<std::string, double>>;

/// Counts per split for `total` items: floor of fraction·total, the remainder handed out by largest
/// fractional part (ties: earlier split first). Throws sd::Error on bad fractions.
std::vector<std::size_t> splitCounts(std::size_t total, const SplitFractions& fractions);

/// Assigns whole trajectories to splits after a seeded shuffle (Fisher–Yates with rng.uniformInt), so
/// every trajectory is in exactly one split. Replaces dataset.splits entries with the same names.
void splitTrajectories(Dataset& dataset, const SplitFractions& fractions, Rng& rng, bool shuffle = true);

/// Splits the columns of one pair-set trajectory into one pair-set trajectory per split (ids
/// "<id>/<split>"), shuffled with `rng` when `shuffle`. Throws if `pairs` is not a pair set.
std::vector<Trajectory> splitPairSet(const Trajectory& pairs, const SplitFractions& fractions, Rng& rng,
                                     bool shuffle = true);

/// Replaces the pair-set trajectory at `index` of the dataset by its parts and records each part under
/// its split name (indices of the other trajectories are kept valid).
void splitPairSetInDataset(Dataset& dataset, std::size_t index, const SplitFractions& fractions, Rng& rng,
                           bool shuffle = true);

}  // namespace sd::data
