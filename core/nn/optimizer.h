#pragma once
// sd::nn::Optimizer — updates trainable leaves from their accumulated grad() (PyTorch semantics).
#include "core/autodiff/var.h"

#include <vector>

namespace sd::nn {

class Optimizer {
public:
    Optimizer(std::vector<ad::Var> parameters, double learningRate);
    virtual ~Optimizer() = default;

    /// One update of every parameter from its current grad().
    virtual void step() = 0;
    /// Forgets internal state (moments, step count).
    virtual void reset() = 0;

    /// Sets every parameter's grad() to zero.
    void zeroGrad() const;
    double learningRate() const { return lr_; }
    void setLearningRate(double lr) { lr_ = lr; }
    const std::vector<ad::Var>& parameters() const { return params_; }

protected:
    std::vector<ad::Var> params_;
    double lr_;
};

}  // namespace sd::nn
