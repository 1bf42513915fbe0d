#pragma once
// Gradient-descent training of stable-OpInf (docs/methods/stable-opinf.md §7): Adam (PyTorch defaults, no weight
// decay) with a triangular cyclic learning rate stepped once per minibatch, minibatches of whole
// trajectories, derivative or RK4 one-step loss plus λ_H·mean|H|. Runs on nn::trainLoop, so cancel is
// polled per minibatch and a non-finite loss restores the last good parameters.
#include "core/nn/trainer.h"
#include "plugins/stable-opinf/stable_losses.h"
#include "plugins/stable-opinf/stable_parameterisation.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace sd::opinf {

enum class StableLoss { Derivative, Rk4OneStep };

struct StableTrainingOptions {
    StableLoss loss = StableLoss::Derivative;
    int epochs = 12000;
    int batchTrajectories = 8;      ///< trajectories per minibatch; ≤ 0 = all
    double lrBase = 1e-6;           ///< triangular cyclic schedule (PRED-CODE values)
    double lrMax = 5e-3;
    int halfCycleEpochs = 2000;     ///< step_size_up = halfCycleEpochs × minibatches per epoch
    double l1H = 1e-3;              ///< λ_H
    std::uint64_t seed = 0;         ///< minibatch shuffling
    std::function<void()> beforeMinibatch;   ///< host checkpoint (model::TrainRequest::checkpoint)
};

/// Trains `params` in place. Training needs Z (derivative loss) or t (RK4 loss) in every trajectory;
/// `validation` may be empty (then the event's validation loss is NaN) and is scored by the same loss
/// without the penalty. The reported training loss includes the penalty. Throws sd::Error for
/// invalid options or data.
nn::TrainLoopResult trainStableOpInf(StableParameters& params, const std::vector<ReducedTrajectory>& train,
                                     const std::vector<ReducedTrajectory>& validation,
                                     const StableTrainingOptions& options, const nn::EpochCallback& onEpoch = {},
                                     const std::atomic<bool>* cancel = nullptr);

/// The unpenalised loss of the current parameters on some trajectories (NaN for an empty list).
double stableLossValue(const StableParameters& params, const std::vector<ReducedTrajectory>& data, StableLoss loss);

}  // namespace sd::opinf
