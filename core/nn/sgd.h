#pragma once
// sd::nn::Sgd — torch.optim.SGD. With g = grad + weightDecay·θ: if momentum ≠ 0,
//   buf ← g on the first step, else buf ← momentum·buf + (1−dampening)·g;  d = nesterov ? g + momentum·buf : buf;
// otherwise d = g. Then θ ← θ − lr·d.
#include "core/nn/optimizer.h"

namespace sd::nn {

struct SgdOptions {
    double learningRate = 1e-2;
    double momentum = 0.0;
    double dampening = 0.0;
    double weightDecay = 0.0;
    bool nesterov = false;
};

class Sgd final : public Optimizer {
public:
    Sgd(std::vector<ad::Var> parameters, SgdOptions options = {});
    void step() override;
    void reset() override;

private:
    SgdOptions opt_;
    bool started_ = false;
    std::vector<Eigen::MatrixXd> buf_;
};

}  // namespace sd::nn
