#pragma once
// runNnTraining — the training run of every plugin built on core/nn's trainLoop (lyapunov-net, vae-latent,
// ren, lbdn). The plugin supplies only its training problem; what every such run does is written here once:
//
//  1. cancelled before the start → Cancelled, "cancelled before training" (the builder is not called, the
//     model is untouched and keeps its training record);
//  2. the training set: the request's train split (all trajectories when the dataset has no such split;
//     none → sd::Error "dataset '<name>': has no training trajectories"); the validation set: the request's
//     validation split when the request names one and the dataset has it, else empty;
//  3. the plugin's builder turns the two sets into its NnTrainingProblem;
//  4. Adam over the problem's parameters with the hyperparameter "lr"; loop options: "epochs", batch size
//     "batch_size" unless the problem sets one, shuffling as the problem says, seeded with the request
//     seed, the request's checkpoint before every minibatch;
//  5. epochs = 0 with an `untrainedLoss`: no step, the initial parameters' losses are reported; otherwise
//     nn::trainLoop (events pass through `reportEvent` when set);
//  6. the training record: makeTrainingRecord(summary, seed, dataset).
#include "core/model/model.h"
#include "core/nn/trainer.h"

#include <functional>
#include <optional>
#include <vector>

namespace sd::model {

/// The trajectories a run trains and validates on (step 2).
struct TrainingSets {
    std::vector<const data::Trajectory*> train;        ///< never empty
    std::vector<const data::Trajectory*> validation;   ///< empty without a validation split
};

/// What a plugin supplies: the problem and how its loop differs from the defaults of step 4.
struct NnTrainingProblem {
    nn::TrainingProblem problem;
    std::vector<ad::Var> parameters;              ///< what Adam optimises
    std::optional<Eigen::Index> batchSize;        ///< default: hyperparameter "batch_size"
    bool shuffle = true;
    double clipValue = 0.0;                       ///< nn::TrainLoopOptions::clipValue
    const nn::LrSchedule* schedule = nullptr;     ///< must outlive the run; null = Adam's fixed rate
    /// With epochs = 0: the training loss of the initial parameters (the run then takes no step). Empty:
    /// trainLoop runs even for 0 epochs.
    std::function<double()> untrainedLoss;
    /// Optional: adjusts each epoch event before it reaches the caller's callback.
    std::function<void(TrainEvent&)> reportEvent;
};

using NnProblemBuilder = std::function<NnTrainingProblem(const TrainingSets&)>;

/// Step 1: the summary of a run cancelled before it started.
TrainSummary cancelledBeforeTraining();
/// Step 2. Throws sd::Error when the dataset has no training trajectories.
TrainingSets trainingSets(const data::Dataset& ds, const TrainRequest& request);

/// Steps 1–6. Writes the training record to `trainingRecord` unless cancelled before the start. Returns the
/// summary and the optimizer steps taken.
nn::TrainLoopResult runNnTraining(const data::Dataset& ds, const TrainRequest& request, const nlohmann::json& hyper,
                                  const TrainCallback& onEpoch, const std::atomic<bool>& cancel,
                                  const NnProblemBuilder& build, nlohmann::json& trainingRecord);

}  // namespace sd::model
