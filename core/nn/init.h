#pragma once
// Weight initialisers matching PyTorch's conventions. Every draw comes from the caller's sd::Rng.
// Matrices are out×in (fan_in = columns, fan_out = rows) and are filled row by row, in the order of a
// PyTorch weight tensor.
#include "core/common/rng.h"

#include <Eigen/Core>
#include <cmath>

namespace sd::nn {

/// Kaiming (He) uniform, U(±bound) with bound = √(6 / ((1 + a²)·fan_in)). With PyTorch's nn.Linear
/// default a = √5 this is U(±1/√fan_in).
Eigen::MatrixXd kaimingUniform(Rng& rng, Eigen::Index rows, Eigen::Index cols, double a = std::sqrt(5.0));
/// nn.Linear's default bias: rows×1 from U(±1/√fan_in) (fan_in of the matching weight).
Eigen::MatrixXd uniformBias(Rng& rng, Eigen::Index rows, Eigen::Index fanIn);
/// Glorot/Xavier uniform: U(±gain·√(6/(fan_in + fan_out))).
Eigen::MatrixXd glorotUniform(Rng& rng, Eigen::Index rows, Eigen::Index cols, double gain = 1.0);
/// Glorot/Xavier normal: N(0, (gain·√(2/(fan_in + fan_out)))²).
Eigen::MatrixXd glorotNormal(Rng& rng, Eigen::Index rows, Eigen::Index cols, double gain = 1.0);

}  // namespace sd::nn
