#pragma once
// The one set of training types: what a training run reports per epoch and at the end. core/nn's trainLoop
// produces them and the Model contract (core/model/model.h) passes them on unchanged (it names them
// model::TrainEvent / TrainStatus / TrainSummary); core/nn cannot depend on core/model, so they live here.
#include <functional>
#include <limits>
#include <string>

namespace sd::nn {

/// Emitted once per epoch (and once at the end by trainers without epochs).
struct TrainEvent {
    int epoch = 0;                   ///< 1-based epoch just finished
    int totalEpochs = 0;
    double trainLoss = 0.0;          ///< sample-weighted mean of the minibatch losses of the epoch
    double validationLoss = std::numeric_limits<double>::quiet_NaN();  ///< NaN without a validation split
    double learningRate = 0.0;       ///< rate used by the epoch's last minibatch
    double epochSeconds = 0.0;       ///< wall time of this epoch
    double elapsedSeconds = 0.0;     ///< wall time since training started
};

enum class TrainStatus { Completed, Cancelled, StoppedOnNaN };

/// The status as written in documents and CLI output: "completed", "cancelled", "stopped_on_nan".
const char* toString(TrainStatus status);

struct TrainSummary {
    TrainStatus status = TrainStatus::Completed;
    int epochsRun = 0;               ///< completed epochs
    double finalTrainLoss = std::numeric_limits<double>::quiet_NaN();
    double finalValidationLoss = std::numeric_limits<double>::quiet_NaN();
    std::string message;             ///< "completed 100 epochs", "cancelled during epoch 3", "stopped: loss became NaN at epoch 12; kept epoch 11"
};

using TrainCallback = std::function<void(const TrainEvent&)>;

}  // namespace sd::nn
