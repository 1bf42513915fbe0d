#pragma once
// sd::nn::trainLoop — the minibatch training loop every learned plugin uses.
//
// Per epoch: shuffle the sample indices (seeded), and for every minibatch:
//   poll cancel → set the learning rate from the schedule → zero gradients → loss = batchLoss(indices, epoch)
//   → stop if the loss is not finite → backward → stop if a gradient is not finite → clip by value →
//   clip by global norm → optimizer step.
// After the epoch: validation loss (if given, evaluated under NoGradGuard), parameter finiteness check,
// then the epoch event. Events and the result are the training types of training_types.h, which the Model
// contract passes on unchanged.
#include "core/autodiff/var.h"
#include "core/nn/lr_schedule.h"
#include "core/nn/optimizer.h"
#include "core/nn/training_types.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>

namespace sd::nn {

/// The run's TrainSummary plus the number of optimizer steps taken.
struct TrainLoopResult : TrainSummary {
    long long steps = 0;
};

struct TrainLoopOptions {
    int epochs = 1;
    Eigen::Index batchSize = 256;   ///< ≤ 0: full batch
    bool shuffle = true;
    bool dropLast = false;
    std::uint64_t seed = 0;         ///< shuffling stream
    double clipNorm = 0.0;          ///< > 0: clip gradients to this global 2-norm
    double clipValue = 0.0;         ///< > 0: clamp gradient entries to ±clipValue (applied before clipNorm)
    /// Optional host checkpoint, called right before every minibatch (before `cancel` is polled). An
    /// interactive host blocks in it to pause the run within one minibatch (model::TrainRequest::checkpoint).
    std::function<void()> beforeMinibatch;
    /// > 0: compute threads for this run (sd::ComputeThreadsScope on the calling thread); 0: the current
    /// setting (sd::computeThreads(), by default all cores). Results do not depend on it
    /// (docs/methods/core.md §1.6).
    int threads = 0;
};

struct TrainingProblem {
    Eigen::Index sampleCount = 0;
    /// Builds the scalar (1×1) loss of a minibatch; its graph must reach the optimizer's parameters. `epoch`
    /// is the 0-based index of the running epoch (the LrSchedule convention).
    std::function<ad::Var(std::span<const Eigen::Index> indices, int epoch)> batchLoss;
    /// Optional: the validation loss at the current parameters.
    std::function<double()> validationLoss;
};

using EpochCallback = TrainCallback;

/// Trains in place. Returns Cancelled promptly once *cancel is set (polled before every minibatch, right
/// after options.beforeMinibatch; parameters of the last completed step are kept). On a non-finite loss, gradient, parameter or
/// validation loss, restores the parameters of the last completed epoch (the initial ones if none) and
/// returns StoppedOnNaN. schedule may be null (the optimizer's rate is left alone); cancel may be null.
/// Throws sd::Error for invalid options or an empty problem.
TrainLoopResult trainLoop(const TrainingProblem& problem, Optimizer& optimizer, const TrainLoopOptions& options,
                          const LrSchedule* schedule = nullptr, const EpochCallback& onEpoch = {},
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace sd::nn
