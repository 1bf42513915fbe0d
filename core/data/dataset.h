#pragma once
// Dataset types shared by every module, plugin and the GUI.
//
// Convention (project-wide): a batch of vectors is the COLUMNS of one Eigen matrix. A trajectory with K
// samples of an n-dimensional state is an n×K matrix; sample k is column k.
#include <Eigen/Core>
#include <map>
#include <string>
#include <vector>

namespace sd::data {

/// One experiment: samples of time, state, input, output and (optionally) the state derivative.
/// Any of x, u, y, dxdt may have zero rows (absent). All present matrices have t.size() columns.
///
/// Unordered (x, ẋ) pair sets — regression data with no time structure, such as the pendulum parity
/// sets — are stored as a Trajectory with an EMPTY `t` and filled `x` and `dxdt` (one pair per column).
struct Trajectory {
    std::string id;          ///< name shown to users ("traj 3", "Level1", "train")
    Eigen::VectorXd t;       ///< K sample times, strictly increasing; empty for an unordered pair set
    Eigen::MatrixXd x;       ///< nx × K states
    Eigen::MatrixXd u;       ///< nu × K inputs
    Eigen::MatrixXd y;       ///< ny × K outputs
    Eigen::MatrixXd dxdt;    ///< nx × K state derivatives (given, or estimated by data::estimateDerivatives)

    /// Number of samples (columns).
    Eigen::Index samples() const;
    bool isPairSet() const { return t.size() == 0 && x.cols() > 0; }
};

/// A whole dataset: trajectories, channel names and named splits.
struct Dataset {
    std::string name;                        ///< registry or file name
    std::string source;                      ///< file path(s) or generator description
    std::string sha256;                      ///< SHA-256 of the source file(s) or of the generated content
    std::vector<std::string> stateNames;     ///< nx names
    std::vector<std::string> inputNames;     ///< nu names
    std::vector<std::string> outputNames;    ///< ny names
    double dt = 0.0;                         ///< nominal sample time (0 if not uniform / unknown)
    std::vector<Trajectory> trajectories;
    /// Named splits ("train", "validation", "test") → indices into `trajectories`.
    std::map<std::string, std::vector<int>> splits;

    Eigen::Index stateDim() const { return static_cast<Eigen::Index>(stateNames.size()); }
    Eigen::Index inputDim() const { return static_cast<Eigen::Index>(inputNames.size()); }
    Eigen::Index outputDim() const { return static_cast<Eigen::Index>(outputNames.size()); }
    Eigen::Index totalSamples() const;

    /// Trajectories of a split; an empty or unknown split name gives all trajectories when
    /// `fallbackToAll` is true, none otherwise.
    std::vector<const Trajectory*> split(const std::string& splitName, bool fallbackToAll = false) const;
    bool hasSplit(const std::string& splitName) const;
};

/// Dimensions and names of a dataset, what a plugin needs to create a model for it.
struct DatasetInfo {
    std::string name;
    Eigen::Index stateDim = 0, inputDim = 0, outputDim = 0;
    double dt = 0.0;
    bool hasTime = false;         ///< trajectories (true) or pure (x, ẋ) pairs (false)
    std::vector<std::string> stateNames, inputNames, outputNames;

    static DatasetInfo of(const Dataset& ds);
};

}  // namespace sd::data
