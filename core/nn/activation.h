#pragma once
// sd::nn::Activation — an elementwise nonlinearity σ together with its derivative σ' as graph nodes
// (σ' nodes are themselves differentiable where σ'' exists, for closed-form input gradients).
#include "core/autodiff/var.h"

#include <string>

namespace sd::nn {

enum class ActivationKind { Identity, ReLU, LeakyReLU, Tanh, Sigmoid, Softplus, ReHU };

struct Activation {
    ActivationKind kind = ActivationKind::ReLU;
    double parameter = 0.0;  ///< LeakyReLU: negative slope; ReHU: d (> 0); unused otherwise

    static Activation identity() { return {ActivationKind::Identity, 0.0}; }
    static Activation relu() { return {ActivationKind::ReLU, 0.0}; }
    static Activation leakyRelu(double slope) { return {ActivationKind::LeakyReLU, slope}; }
    static Activation tanh() { return {ActivationKind::Tanh, 0.0}; }
    static Activation sigmoid() { return {ActivationKind::Sigmoid, 0.0}; }
    static Activation softplus() { return {ActivationKind::Softplus, 0.0}; }
    static Activation rehu(double d) { return {ActivationKind::ReHU, d}; }

    /// σ(a), elementwise.
    ad::Var apply(const ad::Var& a) const;
    /// σ'(a), elementwise (ReLU: [a>0]; ReHU: rehuPrime; Softplus: sigmoid; …).
    ad::Var derivative(const ad::Var& a) const;

    /// "relu", "leaky_relu", "tanh", "sigmoid", "softplus", "rehu", "identity".
    std::string name() const;
    /// Inverse of name(); throws sd::Error("activation", …) for an unknown name.
    static Activation fromName(const std::string& name, double parameter = 0.0);
};

}  // namespace sd::nn
