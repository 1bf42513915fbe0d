#pragma once
// sd::nn::ICNN — input-convex network g: ℝⁿ → ℝ as docs/methods/stable-dynamics.md §2.
//
// Layer sizes [n, h_1, …, h_{k-1}, 1] (k layers). Parameters: passthrough weights W_i (h_{i+1}×n, one per
// layer including the output), biases b_i (h_{i+1}×1), and unconstrained hidden-to-hidden weights U_i
// (h_{i+2}×h_{i+1}) made non-negative by S_i = softplus(U_i). Forward, for a batch x (n×B):
//   a_0 = W_0 x + b_0;  a_i = W_i x + b_i + (1/m_i) S_{i-1} z_{i-1}  (m_i = rows(U_{i-1}));
//   z_i = σ(a_i) for hidden layers; g = a_{k-1} (linear output, 1×B).
// σ must be convex and non-decreasing (ReLU, ReHU_d, softplus) for g to be convex.
// The input gradient ∇ₓg is built in closed form as forward graph nodes (docs/methods/stable-dynamics.md §2.2):
//   δ_{k-1} = 1,  δ_i = σ'(a_i) ⊙ ((1/m_{i+1}) S_iᵀ δ_{i+1}),  ∇ₓg = Σ_i W_iᵀ δ_i   (n×B),
// so a loss through ∇ₓg needs only an ordinary reverse sweep (no create_graph).
#include "core/common/rng.h"
#include "core/nn/activation.h"
#include "core/nn/parameters.h"

#include <vector>

namespace sd::nn {

class ICNN {
public:
    /// sizes = [n, h_1, …, h_{k-1}, 1] with at least one hidden layer. Initialisation (PyTorch nn.Linear
    /// defaults): W_i, b_i ~ U(±1/√n); U_i ~ U(±1/√h_{i+1}) (fan-in = columns). Throws sd::Error for
    /// bad sizes or a non-convex activation.
    ICNN(const std::vector<Eigen::Index>& sizes, Activation inner, Rng& rng);

    struct Output {
        ad::Var g;         ///< 1×B
        ad::Var gradient;  ///< ∇ₓg, n×B (undefined unless requested)
    };
    /// g(x) and optionally its closed-form input gradient.
    Output evaluate(const ad::Var& x, bool withInputGradient) const;
    /// The same with the hidden weights S_i = softplus(U_i) given (from hiddenWeights()), so that evaluations
    /// at several inputs in one step (x and 0, say) share one softplus and one gradient path through it.
    Output evaluate(const ad::Var& x, bool withInputGradient, const std::vector<ad::Var>& S) const;
    /// S_i = softplus(U_i) as graph nodes.
    std::vector<ad::Var> hiddenWeights() const;
    ad::Var operator()(const ad::Var& x) const { return evaluate(x, false).g; }

    Eigen::Index inputSize() const { return sizes_.front(); }
    const std::vector<Eigen::Index>& sizes() const { return sizes_; }
    Activation activation() const { return act_; }
    const std::vector<ad::Var>& W() const { return W_; }
    const std::vector<ad::Var>& b() const { return b_; }
    const std::vector<ad::Var>& U() const { return U_; }
    /// "W0", "b0", "W1", "b1", …, "U0", "U1", … (U_i are the unconstrained stored values).
    ParameterSet parameters() const;

private:
    std::vector<Eigen::Index> sizes_;
    Activation act_;
    std::vector<ad::Var> W_, b_, U_;
};

}  // namespace sd::nn
