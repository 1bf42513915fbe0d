#include "core/nn/activation.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::nn {

ad::Var Activation::apply(const ad::Var& a) const {
    switch (kind) {
        case ActivationKind::Identity: return a;
        case ActivationKind::ReLU: return ad::relu(a);
        case ActivationKind::LeakyReLU: return ad::leakyRelu(a, parameter);
        case ActivationKind::Tanh: return ad::tanh(a);
        case ActivationKind::Sigmoid: return ad::sigmoid(a);
        case ActivationKind::Softplus: return ad::softplus(a);
        case ActivationKind::ReHU: return ad::rehu(a, parameter);
    }
    return a;
}

ad::Var Activation::derivative(const ad::Var& a) const {
    switch (kind) {
        case ActivationKind::Identity: return ad::Var::constant(Eigen::MatrixXd::Ones(a.rows(), a.cols()));
        case ActivationKind::ReLU: return ad::step(a);
        case ActivationKind::LeakyReLU: return ad::leakyStep(a, parameter);
        case ActivationKind::Tanh: return 1.0 - ad::square(ad::tanh(a));
        case ActivationKind::Sigmoid: {
            const ad::Var s = ad::sigmoid(a);
            return ad::mul(s, 1.0 - s);
        }
        case ActivationKind::Softplus: return ad::sigmoid(a);
        case ActivationKind::ReHU: return ad::rehuPrime(a, parameter);
    }
    return a;
}

std::string Activation::name() const {
    switch (kind) {
        case ActivationKind::Identity: return "identity";
        case ActivationKind::ReLU: return "relu";
        case ActivationKind::LeakyReLU: return "leaky_relu";
        case ActivationKind::Tanh: return "tanh";
        case ActivationKind::Sigmoid: return "sigmoid";
        case ActivationKind::Softplus: return "softplus";
        case ActivationKind::ReHU: return "rehu";
    }
    return "?";
}

Activation Activation::fromName(const std::string& n, double p) {
    if (n == "identity") return identity();
    if (n == "relu") return relu();
    if (n == "leaky_relu") return leakyRelu(p);
    if (n == "tanh") return tanh();
    if (n == "sigmoid") return sigmoid();
    if (n == "softplus") return softplus();
    if (n == "rehu") {
        if (!(p > 0)) throw Error("activation", "rehu needs d > 0, got " + std::to_string(p));
        return rehu(p);
    }
    throw Error("activation", "unknown activation '" + n +
                                  "' (expected identity, relu, leaky_relu, tanh, sigmoid, softplus or rehu)");
}

}  // namespace sd::nn
