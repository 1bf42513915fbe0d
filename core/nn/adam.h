#pragma once
// sd::nn::Adam — torch.optim.Adam (amsgrad = false). Per parameter, with g = grad + weightDecay·θ (L2,
// not decoupled):  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  t ← t+1,
//   θ ← θ − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + eps).
#include "core/nn/optimizer.h"

namespace sd::nn {

struct AdamOptions {
    double learningRate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.0;
};

class Adam final : public Optimizer {
public:
    /// Throws sd::Error for lr < 0, betas outside [0, 1), eps < 0 or weightDecay < 0.
    Adam(std::vector<ad::Var> parameters, AdamOptions options = {});
    void step() override;
    void reset() override;
    long long stepCount() const { return t_; }
    const AdamOptions& options() const { return opt_; }

private:
    AdamOptions opt_;
    long long t_ = 0;
    std::vector<Eigen::MatrixXd> m_, v_;
};

}  // namespace sd::nn
