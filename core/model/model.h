#pragma once
// sd::model::Model — the mutable state of one learned model (parameters, normalisation, training record).
//
// The immutable description and factory is the ModelPlugin (model_plugin.h). A Model is a value: clone()
// gives an independent deep copy, which is how the GUI takes thread-safe snapshots while a worker trains
// the live copy. Nothing here depends on Qt.
#include "core/data/dataset.h"
#include "core/model/certificate.h"
#include "core/nn/training_types.h"
#include "core/ode/divergence_guard.h"

#include <Eigen/Core>
#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

// The training types are core/nn's (core/nn/training_types.h): one set for the loop and the contract.
using nn::TrainEvent;
using nn::TrainStatus;
using nn::TrainSummary;
using nn::toString;

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

using nn::TrainCallback;

/// A model's prediction of a trajectory (same sample times as the input trajectory).
struct Prediction {
    Eigen::MatrixXd x;              ///< nx × K predicted states (0 rows for pure input/output models)
    Eigen::MatrixXd y;              ///< ny × K predicted outputs (0 rows if the model has no outputs)
    bool diverged = false;          ///< integration stopped on NaN or the norm bound (left the bounded region)
    double divergenceTime = std::numeric_limits<double>::quiet_NaN();
    /// The integrator gave up while the state was still bounded (step limit or step-size failure, e.g.
    /// chatter at a discontinuity of the field): not a divergence, but the states after stallTime are NaN.
    bool stalled = false;
    double stallTime = std::numeric_limits<double>::quiet_NaN();
    /// The trajectory entered the model's invariant rest set at restTime (e.g. lyapunov-net's {V ≤ w r²});
    /// the later states hold the rest state. NaN when the run did not end at rest.
    double restTime = std::numeric_limits<double>::quiet_NaN();

    /// Every state of the prediction is defined (neither diverged nor stalled).
    bool complete() const { return !diverged && !stalled; }
    /// Sets diverged / stalled / restTime and their times from how an integration ended.
    void setEnd(const ode::RunStatus& status);
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
