#pragma once
// executeCell — one cell from hyperparameters to its result record: create the model, train it on the
// cell's seed, read its certificate, compute the plan's metrics, save the model document, and describe
// all of it as one JSON record (the line the runner appends to results.jsonl; fields in
// docs/experiment-plan.md, "Result records").
//
// Nothing a cell does can stop another: any exception becomes status "failed" with its message; training
// that stops on NaN is status "nan" (the last good parameters are still evaluated and saved); a metric
// reporting diverged predictions makes it "diverged". Only cancellation produces no record (the cell is
// then simply not done, and a resumed run does it again).
#include "core/experiment/cells.h"
#include "core/experiment/extensions.h"
#include "core/model/plugin_host.h"

#include <atomic>
#include <filesystem>
#include <optional>

namespace sd::experiment {

struct CellTask {
    const ExperimentPlan& plan;
    const Cell& cell;                         ///< validated (checkPlan)
    const model::LoadedPlugin& plugin;
    const data::Dataset& dataset;
    const Extensions& extensions;
    std::filesystem::path outputDir;          ///< the model goes to outputDir/models/<id>.json
    nlohmann::json executionHyper = nlohmann::json::object();   ///< settings that do not change results (threads)
    model::TrainCallback onEpoch = {};        ///< told after every training epoch (progress only; may be empty)
};

/// The record, or nullopt when `cancel` was set before the cell finished.
std::optional<nlohmann::json> executeCell(const CellTask& task, const std::atomic<bool>& cancel);

/// The record of a cell that could not start (its dataset failed to load, …): status "failed".
nlohmann::json failedRecord(const ExperimentPlan& plan, const Cell& cell, const std::string& error);

/// Current UTC time as "2026-11-23T19:12:05Z".
std::string utcTimestamp();

}  // namespace sd::experiment
