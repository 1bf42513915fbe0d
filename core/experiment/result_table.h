#pragma once
// ResultTable — a plan's cells joined with their latest records, and the numbers reports and plots read
// from them: a metric by path, statistics over the seeds of a group (cells that differ only in their seed),
// the best group, and why a value is missing.
//
// Metric paths: "<metric name>.<field>…" reads record.metrics; the first segment "certificate",
// "training", "timings" or "metrics" reads that block of the record instead ("certificate.verified",
// "training.final_validation_loss"). A value is undefined (NaN) when the record is missing, the path
// does not exist, or the value is null / not a number (true/false read as 1/0).
#include "core/experiment/cells.h"
#include "core/experiment/plan.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::experiment {

/// The value at `path` of one record (NaN if undefined).
double metricValue(const nlohmann::json& record, const std::string& path);

struct SeedStatistic {
    double mean = std::numeric_limits<double>::quiet_NaN();
    double std = std::numeric_limits<double>::quiet_NaN();   ///< sample std (n − 1); NaN for n < 2
    int n = 0;           ///< seeds with a defined value
    int seeds = 0;       ///< seeds in the group
    bool complete() const { return n == seeds && n > 0; }
};

/// Cells of one dataset and one combination of axis values (one per seed).
struct CellGroup {
    int dataset = 0;
    std::vector<int> coords;
    std::vector<int> cells;      ///< cell indices, in seed order
};

class ResultTable {
public:
    ResultTable(const ExperimentPlan& plan, std::vector<Cell> cells, std::map<std::string, nlohmann::json> recordsById);

    const ExperimentPlan& plan() const { return plan_; }
    const std::vector<Cell>& cells() const { return cells_; }
    const std::vector<CellGroup>& groups() const { return groups_; }
    /// The record of a cell, or nullptr when it has not finished.
    const nlohmann::json* record(int cell) const;
    double value(int cell, const std::string& path) const;
    SeedStatistic statistic(const CellGroup& group, const std::string& path) const;
    /// Why value(cell, path) is undefined: "not run", "failed", "NaN loss", "diverged", "undefined"; "" if defined.
    std::string missingReason(int cell, const std::string& path) const;
    /// For a group: the first non-empty reason of its cells ("" if every seed has a value).
    std::string missingReason(const CellGroup& group, const std::string& path) const;

    /// The report's headline metric: plan.report.metric, else "<first metric>.score".
    std::string headlineMetric() const;
    /// plan.report.sensitivity, else "certificate.observed_sensitivity".
    std::string sensitivityMetric() const;
    /// The group with the best mean over its seeds (only complete groups, unless none is); -1 if none.
    int bestGroup(const std::string& path) const;
    /// "dataset=wh, model=C-REN, gamma=2" (dataset left out when the plan has one).
    std::string describe(const CellGroup& group) const;

    /// Counts of finished records by status (ok, failed, nan, diverged) and "missing"; records of cells no
    /// longer in the plan are counted as "stale".
    std::map<std::string, int> statusCounts() const;

private:
    const ExperimentPlan& plan_;
    std::vector<Cell> cells_;
    std::map<std::string, nlohmann::json> records_;
    std::vector<CellGroup> groups_;
};

}  // namespace sd::experiment
