#include "core/nn/training_types.h"

namespace sd::nn {

const char* toString(TrainStatus status) {
    switch (status) {
        case TrainStatus::Completed: return "completed";
        case TrainStatus::Cancelled: return "cancelled";
        case TrainStatus::StoppedOnNaN: return "stopped_on_nan";
    }
    return "unknown";
}

}  // namespace sd::nn
