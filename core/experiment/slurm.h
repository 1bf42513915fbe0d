#pragma once
// Slurm job arrays for an experiment: no scheduler of our own — Slurm distributes the cells.
//
// slurmArrayScript writes an sbatch script whose array task i runs cell i of the stored plan
// (<out>/plan.json) through the same CLI as a local run (`stabledyn experiment run … --cell i --part`),
// with one worker and the result going to <out>/parts/cell-<i>.jsonl (one file per task: no two
// processes append to one file, which shared file systems do not make atomic). Only the cells still
// pending are in the array, so re-submitting after a partial run resumes it. collectParts merges the parts
// into <out>/results.jsonl (the parts stay: a task still running can never lose its line to a merge).
#include "core/experiment/plan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sd::experiment {

struct SlurmOptions {
    std::filesystem::path executable;       ///< absolute path of stabledyn
    std::filesystem::path outputDir;        ///< absolute
    int throttle = 0;                       ///< at most this many tasks at once (%N); 0 = no limit
    std::string time = "02:00:00";          ///< --time per task
    std::string memory = "4G";              ///< --mem per task
    int cpusPerTask = 1;
    std::string partition, account, qos;
    std::vector<std::string> pluginDirs;    ///< passed as --plugin-dir
    std::vector<std::string> extraSbatch;   ///< extra "#SBATCH" lines (e.g. "--constraint=avx2")
};

/// "0-3,7,9-12%4" for the indices (sorted, unique) and throttle.
std::string arraySpec(std::vector<int> indices, int throttle);

/// The sbatch script for the given pending cell indices (non-empty). Throws sd::Error on bad options.
std::string slurmArrayScript(const ExperimentPlan& plan, const std::vector<int>& cells, const SlurmOptions& options);

struct CollectSummary {
    int files = 0;          ///< part files read
    int records = 0;        ///< distinct cells with a record after the merge
    int skipped = 0;        ///< unreadable lines
};

/// Rewrites <out>/results.jsonl (atomically) with the latest record per cell from results.jsonl and the
/// parts, in cell-index order.
CollectSummary collectParts(const std::filesystem::path& outputDir);

/// 'text' quoted for a POSIX shell.
std::string shellQuote(const std::string& text);

}  // namespace sd::experiment
