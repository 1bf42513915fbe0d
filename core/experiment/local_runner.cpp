#include "core/experiment/local_runner.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/cell_execution.h"
#include "core/experiment/dataset_source.h"
#include "core/experiment/plan_check.h"
#include "core/experiment/result_store.h"
#include "core/model/hyperparameters.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace sd::experiment {

using nlohmann::json;

int defaultJobs() { return std::max(1u, std::thread::hardware_concurrency()); }

std::vector<const Cell*> pendingCells(const std::vector<Cell>& cells, const std::filesystem::path& outputDir, bool retryFailed) {
    const auto latest = latestRecords(outputDir);
    std::vector<const Cell*> pending;
    for (const auto& c : cells) {
        const auto it = latest.find(c.id);
        const bool done = it != latest.end() && (!retryFailed || it->second.value("status", "") == "ok");
        if (!done) pending.push_back(&c);
    }
    return pending;
}

RunSummary runPlan(const ExperimentPlan& plan, const model::PluginHost& host, const Extensions& extensions, const RunOptions& options,
                   const std::atomic<bool>& cancel, RunObserver* observer) {
    if (options.outputDir.empty()) throw Error(plan.source, "no output folder (give \"output\" in the plan or --out)");
    const std::vector<Cell> cells = checkPlan(plan, host, extensions);
    const model::LoadedPlugin& plugin = host.require(plan.plugin);
    std::filesystem::create_directories(options.outputDir / "models");
    std::optional<RunLock> lock;
    if (options.lockOutput) {
        lock.emplace(options.outputDir);
        writeFileAtomic(options.outputDir / "plan.json", planToJson(plan).dump(2) + "\n");
    }
    const std::filesystem::path results = options.resultsFile.empty() ? resultsFile(options.outputDir) : options.resultsFile;
    if (results.has_parent_path()) std::filesystem::create_directories(results.parent_path());

    std::vector<const Cell*> pending = pendingCells(cells, options.outputDir, options.retryFailed);
    int total = static_cast<int>(cells.size());
    if (!options.onlyCells.empty()) {
        const std::set<int> wanted(options.onlyCells.begin(), options.onlyCells.end());
        for (int i : wanted)
            if (i < 0 || i >= total) throw Error("cell " + std::to_string(i), "out of range (the plan has " + std::to_string(total) + " cells)");
        std::vector<const Cell*> subset;
        for (const Cell* c : pending)
            if (wanted.count(c->index)) subset.push_back(c);
        pending = subset;
        total = static_cast<int>(wanted.size());
    }

    RunSummary summary;
    summary.jobs = std::max(1, std::min(options.jobs > 0 ? options.jobs : defaultJobs(), static_cast<int>(pending.size())));
    // N cells in parallel: one thread each, unless the plan chose the plugin's intra-model threads itself.
    json executionHyper = json::object();
    if (summary.jobs > 1 && model::findHyperparameter(plugin.plugin->hyperparameterSchema(), "threads")) {
        bool planSetsThreads = plan.fixed.contains("threads");
        for (const auto& a : plan.axes)
            for (const auto& v : a.values) planSetsThreads = planSetsThreads || v.set.contains("threads");
        if (!planSetsThreads) executionHyper["threads"] = 1;
    }

    std::mutex mutex;   // guards progress, summary, the observer calls and the results file
    Progress& progress = summary.progress;
    progress.total = total;
    progress.skipped = total - static_cast<int>(pending.size());
    const auto start = std::chrono::steady_clock::now();
    auto updateTimes = [&] {
        progress.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress.etaSeconds = progress.done > 0 ? progress.elapsedSeconds * progress.remaining() / progress.done : -1.0;
    };
    DatasetCache datasets(plan, extensions);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> abort{false};
    std::exception_ptr fatal;

    auto worker = [&] {
        while (!cancel && !abort) {
            const std::size_t k = next++;
            if (k >= pending.size()) return;
            const Cell& cell = *pending[k];
            {
                std::lock_guard<std::mutex> g(mutex);
                ++progress.running;
                updateTimes();
                if (observer) observer->cellStarted(cell, progress);
            }
            std::optional<json> record;
            try {
                const auto ds = datasets.get(cell.dataset, cell.seed);
                model::TrainCallback onEpoch;
                if (observer)
                    onEpoch = [&](const model::TrainEvent& e) {
                        std::lock_guard<std::mutex> g(mutex);
                        observer->cellEpoch(cell, e);
                    };
                record = executeCell({plan, cell, plugin, *ds, extensions, options.outputDir, executionHyper, onEpoch}, cancel);
            } catch (const std::exception& e) {
                record = failedRecord(plan, cell, e.what());
            }
            std::lock_guard<std::mutex> g(mutex);
            --progress.running;
            if (!record) {   // cancelled: not a result
                updateTimes();
                continue;
            }
            try {
                appendJsonLine(results, *record);
            } catch (...) {
                fatal = std::current_exception();
                abort = true;
                return;
            }
            const std::string status = record->value("status", "failed");
            ++progress.done;
            if (status == "ok") ++summary.ok;
            else if (status == "nan" || status == "diverged") {
                ++progress.diverged;
                (status == "nan" ? summary.nan : summary.diverged)++;
            } else {
                ++progress.failed;
                ++summary.failed;
            }
            updateTimes();
            if (observer) observer->cellFinished(cell, *record, progress);
        }
    };
    std::vector<std::thread> threads;
    for (int j = 0; j < summary.jobs; ++j) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    if (fatal) std::rethrow_exception(fatal);
    summary.cancelled = cancel && progress.remaining() > 0;
    updateTimes();
    return summary;
}

}  // namespace sd::experiment
