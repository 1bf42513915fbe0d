#pragma once
// Per-channel affine normalisation z = (v − offset) / scale, fitted on one split and applied to all data,
// exportable to JSON so a model can store it and undo it at prediction time.
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sd::data {

enum class NormalizationKind {
    None,       ///< offset 0, scale 1
    Standard,   ///< offset = mean, scale = standard deviation (population, 1/N)
    MinMax      ///< offset = min, scale = max − min: maps the fitted data to [0, 1]
};

/// Normalisation of one channel group (states, inputs or outputs). A channel with zero spread gets
/// scale 1 so constant channels pass through shifted but never divided by zero.
struct ChannelScaler {
    NormalizationKind kind = NormalizationKind::None;
    Eigen::VectorXd offset;   ///< one per channel
    Eigen::VectorXd scale;    ///< one per channel, > 0

    bool empty() const { return offset.size() == 0; }
    /// Fits on the columns of every matrix (all must have the same number of rows; zero-row ones skipped).
    static ChannelScaler fit(const std::vector<const Eigen::MatrixXd*>& data, NormalizationKind kind);
    /// Identity scaler for `channels` channels.
    static ChannelScaler identity(Eigen::Index channels);

    Eigen::MatrixXd apply(const Eigen::MatrixXd& values) const;       ///< (v − offset) / scale per row
    Eigen::MatrixXd invert(const Eigen::MatrixXd& normalized) const;  ///< z · scale + offset
    /// Rates of change transform with the scale only: d(z)/dt = (dv/dt) / scale.
    Eigen::MatrixXd applyToRate(const Eigen::MatrixXd& rates) const;
    Eigen::MatrixXd invertRate(const Eigen::MatrixXd& normalizedRates) const;

    nlohmann::json toJson() const;   ///< {"kind": "standard", "offset": [...], "scale": [...]}
    /// Throws sd::Error("<where>.<field>") on a bad kind, length mismatch, non-finite or non-positive scale.
    static ChannelScaler fromJson(const nlohmann::json& j, const std::string& where);
};

/// Normalisation of a whole dataset: states (also applied to dxdt as a rate), inputs and outputs.
struct DatasetNormalization {
    ChannelScaler state, input, output;

    /// Fits each group on the trajectories of `splitName` (all trajectories if the split is empty/unknown).
    static DatasetNormalization fit(const Dataset& dataset, NormalizationKind kind, const std::string& splitName = "train");
    /// Normalises every trajectory in place (t is unchanged). Throws if channel counts differ.
    void apply(Dataset& dataset) const;
    void invert(Dataset& dataset) const;
    void apply(Trajectory& trajectory) const;
    void invert(Trajectory& trajectory) const;

    nlohmann::json toJson() const;   ///< {"state": {...}, "input": {...}, "output": {...}}
    static DatasetNormalization fromJson(const nlohmann::json& j, const std::string& where);
};

std::string toString(NormalizationKind kind);            ///< "none", "standard", "minmax"
NormalizationKind normalizationKindFromString(const std::string& name, const std::string& where);

}  // namespace sd::data
