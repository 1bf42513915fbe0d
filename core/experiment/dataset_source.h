#pragma once
// Turning a plan's dataset specs into datasets, once per run: openDataset() follows the spec (registry
// name or file through core/catalog, generator through core/systems, then the named transforms), and
// DatasetCache shares each dataset read-only between the cells — the first cell that needs it opens it,
// cells needing it meanwhile wait for that one load instead of repeating it (a dataset whose seed follows
// the cell is one dataset per seed).
#include "core/catalog/dataset_catalog.h"
#include "core/experiment/extensions.h"
#include "core/experiment/plan.h"

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace sd::experiment {

/// Opens one dataset. Relative files resolve against `baseDir`; `cellSeed` is the generator seed of a
/// dataset whose spec says "seed": "cell". The result's sha256 is recomputed after transforms. Throws
/// sd::Error naming the dataset and the problem.
data::Dataset openDataset(const DatasetSpec& spec, const std::filesystem::path& baseDir, const catalog::DatasetCatalog& catalog,
                          const Extensions& extensions, std::uint64_t cellSeed = 0);

class DatasetCache {
public:
    DatasetCache(const ExperimentPlan& plan, const Extensions& extensions);
    /// The dataset of plan.datasets[index] for a cell with seed `cellSeed` (which only matters when the
    /// dataset's seed follows the cell); thread-safe. Rethrows the load's sd::Error to every caller.
    std::shared_ptr<const data::Dataset> get(int index, std::uint64_t cellSeed = 0);

private:
    const ExperimentPlan& plan_;
    const Extensions& extensions_;
    std::mutex mutex_;
    std::unique_ptr<catalog::DatasetCatalog> catalog_;
    std::map<std::pair<int, std::uint64_t>, std::shared_future<std::shared_ptr<const data::Dataset>>> loads_;
};

}  // namespace sd::experiment
