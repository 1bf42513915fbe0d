#pragma once
// sd::model::Model — the mutable state of one learned model (parameters, normalisation, training record).
//
// The immutable description and factory is the ModelPlugin (model_plugin.h). A Model is a value: clone()
// gives an independent deep copy, which is how the GUI takes thread-safe snapshots while a worker trains
// the live copy. Nothing here depends on Qt.
#include "core/data/dataset.h"
#include "core/model/certificate.h"

#include <Eigen/Core>
#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

/// Emitted once per epoch (and once at the end) by Model::train.
struct TrainEvent {
    int epoch = 0;                   ///< 1-based epoch just finished
    int totalEpochs = 0;
    double trainLoss = 0.0;          ///< mean training loss of the epoch
    double validationLoss = std::numeric_limits<double>::quiet_NaN();  ///< NaN if no validation split
    double learningRate = 0.0;
    double epochSeconds = 0.0;       ///< wall time of this epoch
    double elapsedSeconds = 0.0;     ///< wall time since training started
};

enum class TrainStatus { Completed, Cancelled, StoppedOnNaN };

/// The status as written in documents and CLI output: "completed", "cancelled", "stopped_on_nan".
const char* toString(TrainStatus status);

struct TrainSummary {
    TrainStatus status = TrainStatus::Completed;
    int epochsRun = 0;
    double finalTrainLoss = std::numeric_limits<double>::quiet_NaN();
    double finalValidationLoss = std::numeric_limits<double>::quiet_NaN();
    std::string message;             ///< human-readable outcome ("stopped: loss became NaN at epoch 12; kept epoch 11")
};

/// What to train on; model-specific settings (epochs, learning rate, batch) are hyperparameters.
struct TrainRequest {
    std::string trainSplit = "train";          ///< falls back to all trajectories if the split is absent
    std::string validationSplit = "validation"; ///< optional; absent → no validation loss
    std::uint64_t seed = 0;                     ///< every random draw of training derives from this
    /// Optional host checkpoint on the training thread: plugins that train in minibatches call it before
    /// every minibatch (nn::TrainLoopOptions::beforeMinibatch). The studio blocks in it to pause a run
    /// within one minibatch; it never changes the result. Empty = none.
    std::function<void()> checkpoint;
};

using TrainCallback = std::function<void(const TrainEvent&)>;

/// A model's prediction of a trajectory (same sample times as the input trajectory).
struct Prediction {
    Eigen::MatrixXd x;              ///< nx × K predicted states (0 rows for pure input/output models)
    Eigen::MatrixXd y;              ///< ny × K predicted outputs (0 rows if the model has no outputs)
    bool diverged = false;          ///< integration stopped on NaN or the norm bound
    double divergenceTime = std::numeric_limits<double>::quiet_NaN();
};

struct ModelDims {
    Eigen::Index state = 0, input = 0, output = 0;
};

class Model {
public:
    virtual ~Model() = default;

    /// Deep copy (parameters, hyperparameters, normalisation, training record).
    virtual std::unique_ptr<Model> clone() const = 0;

    /// Plugin id ("stable-opinf") and variant ("least-squares", "stable", …).
    virtual std::string pluginId() const = 0;
    virtual std::string variant() const = 0;
    /// Validated hyperparameters with every default filled in.
    virtual const nlohmann::json& hyperparameters() const = 0;
    virtual ModelDims dims() const = 0;

    /// Trains in place. Polls `cancel` at least once per minibatch and returns promptly when set
    /// (status Cancelled, parameters of the last completed step kept). If a loss or parameter becomes
    /// non-finite, stops with StoppedOnNaN and restores the last good parameters. Throws sd::Error if
    /// the dataset does not fit the model (dimensions, missing derivatives it cannot estimate, …).
    virtual TrainSummary train(const data::Dataset& ds, const TrainRequest& request,
                               const TrainCallback& onEpoch, const std::atomic<bool>& cancel) = 0;

    // ---- evaluation -------------------------------------------------------------------------------
    /// Continuous-time models: ẋ = f(x, u), batched. X is nx×B, U is nu×B (0×B for autonomous models).
    /// Returns nx×B. Discrete-time models throw sd::Error.
    virtual bool isContinuous() const = 0;
    virtual Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const;

    /// Predicts a trajectory: continuous models integrate from tr.x.col(0) with the trajectory's inputs
    /// (linear interpolation between samples); discrete models simulate from their initial state over
    /// tr.u. Divergence (NaN, ‖x‖ > 1e6) stops the run and is flagged, never thrown.
    virtual Prediction predict(const data::Trajectory& tr) const = 0;

    // ---- optional Lyapunov view on the states (lyapunov-net "stable", stable-opinf "stable") ---------
    virtual bool hasLyapunov() const { return false; }
    /// V at the columns of X (1×B) and ∇V (nx×B). Throw sd::Error if !hasLyapunov().
    virtual Eigen::RowVectorXd lyapunov(const Eigen::MatrixXd& X) const;
    virtual Eigen::MatrixXd lyapunovGradient(const Eigen::MatrixXd& X) const;
    /// The rate α ≥ 0 of the decrease the model guarantees for its lyapunov() view, V̇(x) = ∇V(x)·f(x) ≤
    /// −αV(x) (autonomous, u = 0); 0 when it guarantees no rate (or has no Lyapunov view).
    virtual double lyapunovDecreaseRate() const { return 0.0; }

    // ---- certificate -----------------------------------------------------------------------------------
    /// What is guaranteed and the numbers that prove it, recomputed from the current parameters
    /// (core/model/certificate.h states the contract every plugin keeps). May take a while (sampling,
    /// simulations); plugins may cache it until the parameters change.
    virtual Certificate certify() const = 0;
    /// certify().toJson(): the document's "certificate" object (for display and export).
    nlohmann::json certificate() const;

    /// The complete model document, schema v1 (docs/model-schema.md). Import through the plugin's
    /// load() gives a model whose evaluations are bit-identical.
    virtual nlohmann::json toJson() const = 0;
};

}  // namespace sd::model
