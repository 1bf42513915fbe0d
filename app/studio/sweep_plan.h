#pragma once
// The Sweep tab's inputs as an experiment plan (core/experiment), without widgets or threads: which schema
// parameters can be swept, the value lists the user types, the plan they make (the current dataset in
// memory, the Model dock's hyperparameters as the fixed ones, one or two axes, the seeds, one "score"
// metric), and the CSV table of the results. The tab (sweep_view.h) runs the plan on the engine
// (sweep_runner.h) and draws the engine's figures (sweep_plot.h).
#include "core/experiment/plan.h"
#include "core/experiment/result_table.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sd::studio {

/// Numeric (int / number) parameters of a hyperparameter schema, in schema order, with their labels.
struct SweepableParameter {
    std::string key;
    QString label;
    bool integer = false;
    bool log = false;
    nlohmann::json defaultValue;   ///< the schema default (null if none)
};
std::vector<SweepableParameter> sweepableParameters(const nlohmann::json& schema);

/// "1e-4, 1e-3; 0.01 0.1" → {1e-4, 1e-3, 0.01, 0.1} (commas, semicolons or spaces). Throws sd::Error naming
/// `what` on an empty list or a non-number; integer axes reject non-integral values.
std::vector<double> parseSweepValues(const QString& text, bool integer, const std::string& what);
/// "0, 1, 2" → seeds (non-negative integers, no repeats). Throws sd::Error("seeds", …).
std::vector<std::uint64_t> parseSweepSeeds(const QString& text);

/// One swept parameter with its values.
struct SweepAxis {
    std::string key;
    std::vector<double> values;
    bool integer = false;   ///< an "int" parameter: values are stored as integers
    bool log = false;       ///< the schema marks it logarithmic
};

struct SweepRequest {
    std::string pluginId;
    nlohmann::json baseHyper = nlohmann::json::object();   ///< the Model dock's values (the axes override theirs)
    std::shared_ptr<const data::Dataset> dataset;
    SweepAxis a;
    std::optional<SweepAxis> b;
    std::vector<std::uint64_t> seeds{0};
    std::string trainSplit = "train", validationSplit = "validation";
};

/// The plan of a sweep: axis A then B, the dataset in memory, metric "score" = evaluate on the validation
/// split (else test, else train). Throws sd::Error when A and B are the same parameter.
experiment::ExperimentPlan sweepPlan(const SweepRequest& request);

/// CSV of every cell: axis values, seed, status, score, its kind and split, verified, observed sensitivity,
/// error (a header line, then one row per finished cell; NaN → empty).
std::string sweepCsv(const experiment::ResultTable& table);

}  // namespace sd::studio
