#include "core/nn/lr_schedule.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sd::nn {

StepDecayLr::StepDecayLr(double baseLr, double gamma, int stepEpochs, double minLr)
    : base_(baseLr), gamma_(gamma), min_(minLr), step_(stepEpochs) {
    if (stepEpochs < 1) throw Error("nn::StepDecayLr", "step must be >= 1 epoch, got " + std::to_string(stepEpochs));
}

double StepDecayLr::learningRate(int epoch, long long) const {
    return std::max(min_, base_ * std::pow(gamma_, std::floor(static_cast<double>(epoch) / step_)));
}

TriangularCyclicLr::TriangularCyclicLr(double baseLr, double maxLr, long long stepSizeUp, long long stepSizeDown)
    : base_(baseLr), max_(maxLr), up_(stepSizeUp), down_(stepSizeDown > 0 ? stepSizeDown : stepSizeUp) {
    if (stepSizeUp < 1) throw Error("nn::TriangularCyclicLr", "step size up must be >= 1");
}

double TriangularCyclicLr::learningRate(int, long long iteration) const {
    // Same arithmetic as PyTorch's CyclicLR.get_lr.
    const double total = static_cast<double>(up_ + down_);
    const double ratio = static_cast<double>(up_) / total;
    const double it = static_cast<double>(iteration);
    const double cycle = std::floor(1.0 + it / total);
    const double x = 1.0 + it / total - cycle;
    const double scale = x <= ratio ? x / ratio : (x - 1.0) / (ratio - 1.0);
    return base_ + (max_ - base_) * scale;
}

}  // namespace sd::nn
