#pragma once
// `experiment report`: the Markdown summary and SVG plots of an output folder.
//
// report.md has the plan (plugin, datasets, axes, seeds), the counts by status, one row per group (cells
// that differ only in their seed) with the headline metric as mean ± std over the seeds (n of N seeds
// when some are undefined), the extra columns of the plan, whether the certificate was verified, the
// best group, and every masked cell (undefined value) with its reason and error. The plots are those of
// sweep_figures.h, written next to it. A plan with a study report (report.study) then runs that too.
#include "core/experiment/extensions.h"
#include "core/experiment/result_table.h"
#include "core/model/plugin_host.h"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace sd::experiment {

/// What a study report gets: the results, where they are, where to write, and (for reports that
/// re-evaluate saved models) the plugin host and the extensions (dataset transforms).
struct StudyReportInput {
    const ResultTable& table;
    std::filesystem::path outputDir;     ///< the run folder (results, models/)
    std::filesystem::path reportDir;     ///< where the report files go
    const model::PluginHost* host = nullptr;
    const Extensions* extensions = nullptr;
};

/// The Markdown text (plots referenced by file name).
std::string markdownReport(const ResultTable& table, const std::vector<std::string>& plotFiles);

/// Writes report.md and the SVG plots into `reportDir`; returns {"report", "plots", "counts", "best"}.
nlohmann::json writeReport(const ResultTable& table, const std::filesystem::path& reportDir);

/// Loads the plan stored in an output folder (plan.json) and its records into a table.
/// The plan must outlive the table.
ResultTable loadResults(const ExperimentPlan& plan, const std::filesystem::path& outputDir);
/// The plan stored in <outputDir>/plan.json; relative dataset files resolve against `baseDir` when given.
ExperimentPlan readStoredPlan(const std::filesystem::path& outputDir);

}  // namespace sd::experiment
