#pragma once
// Learning-rate schedules. The training loop asks for the rate before every minibatch with the 0-based
// epoch and the 0-based global minibatch count ("iteration"); epoch-based schedules ignore the latter.
#include <memory>

namespace sd::nn {

class LrSchedule {
public:
    virtual ~LrSchedule() = default;
    virtual double learningRate(int epoch, long long iteration) const = 0;
};

/// Always baseLr.
class ConstantLr final : public LrSchedule {
public:
    explicit ConstantLr(double baseLr) : base_(baseLr) {}
    double learningRate(int, long long) const override { return base_; }

private:
    double base_;
};

/// torch.optim.lr_scheduler.StepLR: baseLr·gamma^⌊epoch/stepEpochs⌋, floored at minLr.
class StepDecayLr final : public LrSchedule {
public:
    /// Throws sd::Error if stepEpochs < 1.
    StepDecayLr(double baseLr, double gamma, int stepEpochs, double minLr = 0.0);
    double learningRate(int epoch, long long iteration) const override;

private:
    double base_, gamma_, min_;
    int step_;
};

/// torch.optim.lr_scheduler.CyclicLR(mode="triangular"), stepped once per minibatch: over a cycle of
/// stepSizeUp + stepSizeDown iterations the rate rises linearly from baseLr to maxLr and falls back.
/// Iteration 0 gives baseLr.
class TriangularCyclicLr final : public LrSchedule {
public:
    /// stepSizeDown ≤ 0 means equal to stepSizeUp. Throws sd::Error if stepSizeUp < 1.
    TriangularCyclicLr(double baseLr, double maxLr, long long stepSizeUp, long long stepSizeDown = 0);
    double learningRate(int epoch, long long iteration) const override;

private:
    double base_, max_;
    long long up_, down_;
};

}  // namespace sd::nn
