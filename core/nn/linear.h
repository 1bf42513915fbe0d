#pragma once
// sd::nn::Linear — y = W·x + b for a batch x (in×B) → y (out×B), one fused graph node.
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"

namespace sd::nn {

class Linear {
public:
    /// PyTorch nn.Linear initialisation: W (out×in) and b (out×1) from U(±1/√in).
    Linear(Eigen::Index in, Eigen::Index out, Rng& rng, bool bias = true);
    /// From explicit values (b may be 0×0 for no bias).
    Linear(const Eigen::MatrixXd& W, const Eigen::MatrixXd& b);

    /// W·x + b. Throws sd::Error if x does not have `in` rows.
    ad::Var operator()(const ad::Var& x) const;

    const ad::Var& weight() const { return W_; }
    /// Undefined Var when the layer has no bias.
    const ad::Var& bias() const { return b_; }
    Eigen::Index inputSize() const { return W_.cols(); }
    Eigen::Index outputSize() const { return W_.rows(); }
    /// "weight", "bias".
    ParameterSet parameters() const;

private:
    ad::Var W_, b_;
};

}  // namespace sd::nn
