#pragma once
// sd::nn::MLP — fully connected network sizes[0] → sizes[1] → … → sizes.back(): an activation after
// every hidden layer, a linear output layer. Initialised like a stack of PyTorch nn.Linear.
#include "core/nn/activation.h"
#include "core/nn/linear.h"

#include <vector>

namespace sd::nn {

class MLP {
public:
    /// sizes has at least 2 entries (input, …, output), all positive; throws sd::Error otherwise.
    MLP(const std::vector<Eigen::Index>& sizes, Activation hidden, Rng& rng);

    /// Output (sizes.back()×B) for x (sizes[0]×B).
    ad::Var operator()(const ad::Var& x) const;

    const std::vector<Linear>& layers() const { return layers_; }
    const std::vector<Eigen::Index>& sizes() const { return sizes_; }
    Activation activation() const { return act_; }
    /// "0.weight", "0.bias", "1.weight", … (layer index, like a PyTorch Sequential of Linears).
    ParameterSet parameters() const;

private:
    std::vector<Eigen::Index> sizes_;
    Activation act_;
    std::vector<Linear> layers_;
};

}  // namespace sd::nn
