#pragma once
// runPlan — runs the cells of a plan on a pool of worker threads and records each as it finishes.
//
// * Deterministic: a cell's result depends only on its configuration and seed — every cell has its own
//   model and training RNG, the datasets are shared read-only — so --jobs 1 and --jobs N give identical
//   records (bar timings) and identical model files. When more than one cell runs at a time and the
//   plugin has a `threads` hyperparameter (intra-model parallelism) that the plan does not set, each cell
//   gets threads = 1 so that N workers use N cores, not N × cores; `threads` is not part of the cell id.
// * Resumable: cells with a record in the output folder are skipped (failed ones too, unless
//   retryFailed); a killed run loses only the cells that were running.
// * Cancellable: when `cancel` becomes true no new cell starts and the running ones return at their next
//   minibatch; they are not recorded.
// * A cell that fails (or whose dataset cannot be opened) is recorded as failed and never stops the others.
#include "core/experiment/cells.h"
#include "core/experiment/extensions.h"
#include "core/experiment/progress.h"
#include "core/model/plugin_host.h"

#include <atomic>
#include <filesystem>
#include <vector>

namespace sd::experiment {

struct RunOptions {
    std::filesystem::path outputDir;
    int jobs = 0;                          ///< worker threads; 0 = the number of cores
    bool retryFailed = false;              ///< also re-run cells whose latest record is not "ok"
    std::vector<int> onlyCells;            ///< run only these cell indices (Slurm: one); empty = all
    std::filesystem::path resultsFile;     ///< where records go (default <out>/results.jsonl)
    bool lockOutput = true;                ///< hold <out>/.lock and (re)write <out>/plan.json
};

/// Told about every start and finish, from the worker threads (calls are serialised).
class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void cellStarted(const Cell& /*cell*/, const Progress& /*p*/) {}
    /// `record` is what was appended to the results.
    virtual void cellFinished(const Cell& /*cell*/, const nlohmann::json& /*record*/, const Progress& /*p*/) {}
    /// After every training epoch of a running cell (progress of long cells; nothing is recorded).
    virtual void cellEpoch(const Cell& /*cell*/, const model::TrainEvent& /*event*/) {}
};

struct RunSummary {
    Progress progress;
    int ok = 0, failed = 0, nan = 0, diverged = 0;   ///< records written by this run, by status
    bool cancelled = false;
    int jobs = 1;
};

/// The number of cores (at least 1).
int defaultJobs();

/// Checks the plan (checkPlan), then runs it. Throws sd::Error for a bad plan, an output folder that
/// cannot be written or is locked by another run, or a failed result append (disk full: stops the run).
RunSummary runPlan(const ExperimentPlan& plan, const model::PluginHost& host, const Extensions& extensions, const RunOptions& options,
                   const std::atomic<bool>& cancel, RunObserver* observer = nullptr);

/// The cells of `cells` that still need running given the records in `outputDir`.
std::vector<const Cell*> pendingCells(const std::vector<Cell>& cells, const std::filesystem::path& outputDir, bool retryFailed);

}  // namespace sd::experiment
