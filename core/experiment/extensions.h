#pragma once
// sd::experiment::Extensions — the named pieces of code a plan can refer to: metric kinds (computed per
// cell after training), dataset transforms (applied once per dataset before any cell uses it) and study
// reports (paper-specific tables and plots after the generic report). builtins() has the generic ones
// (builtin_metrics.h); the paper studies in studies/ add theirs. A plan naming a kind that is not
// registered is rejected by checkPlan() before anything runs.
#include "core/data/dataset.h"
#include "core/experiment/cells.h"
#include "core/experiment/plan.h"
#include "core/model/model.h"

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::experiment {

/// Everything a metric may read. It runs on the worker thread of its cell; the dataset is shared
/// read-only with other cells.
struct MetricContext {
    const ExperimentPlan& plan;
    const Cell& cell;
    const MetricSpec& spec;
    const model::Model& model;
    const data::Dataset& dataset;
    const model::TrainSummary& training;
    const model::Certificate& typedCertificate;   ///< Model::certify() (read decisions from these fields)
    const nlohmann::json& certificate;            ///< its JSON (typed fields + the plugin's details), for reporting
    const std::atomic<bool>& cancel;
};

/// Returns a JSON object. Conventions the engine understands: "diverged" (a count > 0 marks the cell
/// diverged) and "score" (the metric's headline number, NaN/null when undefined). Throws sd::Error on bad
/// parameters or data that do not fit; the cell then records the error (other metrics still run).
using MetricFunction = std::function<nlohmann::json(const MetricContext&)>;

struct MetricKind {
    std::string kind;
    std::string doc;
    std::vector<std::string> params;     ///< accepted parameters besides "name" and "kind"
    MetricFunction compute;
};

/// Changes a freshly opened dataset in place. `where` names the transform in errors.
using DatasetTransform = std::function<void(data::Dataset& ds, const nlohmann::json& params, const std::string& where)>;

struct TransformKind {
    std::string kind;
    std::string doc;
    std::vector<std::string> params;
    DatasetTransform apply;
};

struct StudyReportInput;   // report.h
/// Writes a study's own files into the report folder and returns its summary document (printed by the
/// `study` aliases on stdout).
using StudyReport = std::function<nlohmann::json(const StudyReportInput&)>;

class Extensions {
public:
    /// The generic metric kinds and transforms of core/experiment.
    static Extensions builtins();

    void addMetric(MetricKind kind);
    void addTransform(TransformKind kind);
    void addStudyReport(const std::string& name, StudyReport report);

    const MetricKind* metric(const std::string& kind) const;
    const TransformKind* transform(const std::string& kind) const;
    const StudyReport* studyReport(const std::string& name) const;
    std::vector<std::string> metricKinds() const;
    std::vector<std::string> transformKinds() const;
    std::vector<std::string> studyReports() const;

private:
    std::map<std::string, MetricKind> metrics_;
    std::map<std::string, TransformKind> transforms_;
    std::map<std::string, StudyReport> reports_;
};

}  // namespace sd::experiment
