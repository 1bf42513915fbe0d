#pragma once
// sd::experiment::ExperimentPlan — what an experiment is, as immutable data (docs/experiment-plan.md).
//
// A plan names one plugin, the datasets, the fixed hyperparameters, the axes whose product makes the
// cells, the seeds, the training splits, the metrics recorded per cell, how the report reads them, and
// the output folder. It is parsed from JSON (schema "stabledyn-experiment-plan", version 1) by
// parsePlan(), which takes a string and the name of its source so that every error can say where it is
// ("plan.json: axes[1].range.count: …"). Parsing checks the structure only; whether the plugin, its
// hyperparameters, the metric kinds and the dataset transforms exist is checked against a plugin host and
// the engine's extensions by checkPlan() (plan_check.h).
#include "core/data/dataset.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sd::experiment {

inline constexpr const char* kPlanFormat = "stabledyn-experiment-plan";
inline constexpr int kPlanSchemaVersion = 1;

/// One value of an axis: the hyperparameters it sets and how reports name it.
struct AxisValue {
    std::string label;           ///< "1e-08", "C-REN" — what tables and plots show
    nlohmann::json value;        ///< the scalar written to the axis keys (number/string/bool); null for bundle values
    nlohmann::json set;          ///< every hyperparameter this value sets (an object)
};

/// One axis of the grid. A scalar axis writes each value to one key, or to several linked keys at once
/// (one Tikhonov λ on every operator); a bundle axis has labelled values that each set any
/// hyperparameters ("model": C-REN / Lipschitz γ = 2 / LSTM).
struct Axis {
    std::string name;                ///< the key, or a given name ("lambda", "model")
    std::vector<std::string> keys;   ///< the hyperparameters a scalar axis sets; empty for bundle axes
    bool log = false;                ///< a log-spaced axis (from a log range, or declared): plots use a log scale
    std::vector<AxisValue> values;
    /// Every value is a finite number (the axis can be drawn on a numeric scale).
    bool numeric() const;
    double number(std::size_t i) const;   ///< values[i].value as a double (NaN if not numeric)
};

/// Where a dataset comes from. Exactly one of: a registry name (core/catalog), a file (relative paths
/// are resolved against the plan file's folder), a generator (core/systems) with parameters and seed —
/// or, through the API only, a dataset already in memory (the studio). Then named transforms, in order.
struct DatasetSpec {
    std::string name;                          ///< how results and reports name it
    nlohmann::json source;                     ///< the spec without "name" (what cell ids hash)
    std::shared_ptr<const data::Dataset> inMemory;
    /// A generator dataset with "seed": "cell": every cell generates it with its own seed, so the seeds of a
    /// plan repeat the experiment on independent data (training inputs, noise) as well as initialisations.
    bool seedFollowsCell() const { return source.is_object() && source.contains("seed") && source["seed"] == "cell"; }
};

/// A metric recorded for every cell: `kind` picks the code (metric_registry.h), the rest are its parameters.
struct MetricSpec {
    std::string name;                          ///< key of its result in the cell record's "metrics"
    std::string kind;
    nlohmann::json params;                     ///< the whole object as written (kind and name included)
};

struct SeedSpec {
    std::vector<std::uint64_t> values{0};      ///< the training seed of each repetition (innermost grid dimension)
    std::vector<std::string> alsoSet;          ///< hyperparameters that receive the seed too (e.g. "init_seed")
};

struct TrainingSpec {
    std::string trainSplit = "train";
    std::string validationSplit = "validation";   ///< "" = no validation loss during training
};

/// How `experiment report` and the studio read the results.
struct ReportSpec {
    std::string metric;                 ///< path of the headline metric ("test.score"); "" = the first metric's score
    bool lowerIsBetter = true;
    bool logScale = true;               ///< plot the metric on a log scale when every value is positive
    std::string sensitivity;            ///< path of a sensitivity for the scatter plot ("" = certificate.observed_sensitivity)
    std::vector<std::string> columns;   ///< extra metric paths shown in the Markdown table
    std::string study;                  ///< a registered study report (studies/) run after the generic one; "" = none
    nlohmann::json options = nlohmann::json::object();   ///< passed to the study report
};

struct ExperimentPlan {
    std::string name;
    std::string description;
    std::string plugin;
    nlohmann::json fixed = nlohmann::json::object();   ///< hyperparameters common to every cell
    std::vector<DatasetSpec> datasets;
    std::vector<Axis> axes;
    SeedSpec seeds;
    TrainingSpec training;
    std::vector<MetricSpec> metrics;
    ReportSpec report;
    std::string output;                         ///< output folder ("" = must be given when running)
    std::filesystem::path baseDir;              ///< folder of the plan file: relative dataset files resolve here
    std::string source = "plan";                ///< name used in error messages

    /// Number of cells: datasets × Π axis sizes × seeds.
    std::size_t cellCount() const;
    /// The index of the axis called `name`, or -1.
    int axisIndex(const std::string& name) const;
};

/// Parses a plan. `source` names the text in errors ("studies/ren/wh.json"); `baseDir` is where relative
/// dataset files live. Throws sd::Error("<source>: <field>", …) on malformed JSON, an unknown or missing
/// key, an unknown schema version, an empty axis or dataset list, a bad range, a duplicate name.
ExperimentPlan parsePlan(std::string_view text, const std::string& source, const std::filesystem::path& baseDir = {});
/// Reads and parses a plan file (source = the path, baseDir = its folder).
ExperimentPlan readPlanFile(const std::filesystem::path& path);

/// The plan as JSON in the file format, with ranges expanded to their values (what a run stores as
/// plan.json beside its results). In-memory datasets are written as {"in_memory": true, "sha256": …}.
nlohmann::json planToJson(const ExperimentPlan& plan);

/// Expands {"from", "to", "count", "scale": "linear"|"log", "integer"} into its values. Throws sd::Error
/// naming `where` for count < 1, non-finite bounds, a log range with a bound ≤ 0, or an integer range
/// whose rounded values repeat.
std::vector<double> expandRange(const nlohmann::json& range, const std::string& where, bool* integer = nullptr, bool* log = nullptr);

/// A short label for an axis value: integers as integers, other numbers with 4 significant digits.
std::string formatAxisValue(const nlohmann::json& v);

}  // namespace sd::experiment
