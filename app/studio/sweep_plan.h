#pragma once
// The hyperparameter sweep, as plain data (no widgets, no threads): which schema parameters can be swept,
// the value lists the user types, the grid of configurations, one result per configuration, and the CSV
// table. The Sweep tab (sweep_view.h) and its worker (sweep_runner.h) are built on these.
#include <QString>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sd::studio {

/// One swept parameter: a numeric schema key and its values, in the order typed.
struct SweepAxis {
    std::string key;
    std::vector<double> values;
    bool integer = false;   ///< an "int" parameter: values are rounded and stored as integers
    bool log = false;       ///< the schema marks it logarithmic (or the values span > 2 decades): log axis
};

/// One configuration to train: indices into axis A and B (B = 0 when there is one axis) and its hyperparameters.
struct SweepConfiguration {
    int i = 0, j = 0;
    double a = 0, b = std::numeric_limits<double>::quiet_NaN();
    nlohmann::json hyper;
};

/// The outcome of one configuration. A cell is "masked" (greyed out and crossed in the plots) when the
/// certificate is not verified, the prediction diverged, training failed, or the error is not finite.
struct SweepResult {
    int i = 0, j = 0;
    double a = 0, b = std::numeric_limits<double>::quiet_NaN();
    double error = std::numeric_limits<double>::quiet_NaN();
    std::string metric;            ///< "NRMSE", "relative error" or "validation loss"
    std::string split;             ///< the split it was scored on
    bool verified = false;         ///< Certificate::verified
    bool diverged = false;
    double observedSensitivity = std::numeric_limits<double>::quiet_NaN();   ///< Certificate::observedSensitivity
    double lipschitzBound = std::numeric_limits<double>::quiet_NaN();        ///< Certificate::lipschitzBound (γ)
    std::string failure;           ///< non-empty when creating/training/scoring threw
    bool masked() const;
};

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

/// The full grid: every value of A (× every value of B), each written over `base`. Row-major: j outer, i inner.
std::vector<SweepConfiguration> sweepConfigurations(const nlohmann::json& base, const SweepAxis& a, const std::optional<SweepAxis>& b);

/// CSV table of the results: a header line, then one row per result (NaN → empty cell).
std::string sweepCsv(const SweepAxis& a, const std::optional<SweepAxis>& b, const std::vector<SweepResult>& results);

}  // namespace sd::studio
