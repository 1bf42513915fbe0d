#pragma once
// Gradient clipping on the accumulated grad() of leaves (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
#include "core/autodiff/var.h"

#include <vector>

namespace sd::nn {

/// Scales all gradients by maxNorm/(‖g‖ + 1e-6) when that factor is < 1, where ‖g‖ is the 2-norm of
/// all gradients together. Returns ‖g‖ before clipping (NaN/Inf if some gradient is not finite; then
/// nothing is changed).
double clipGradNorm(const std::vector<ad::Var>& parameters, double maxNorm);

/// Clamps every gradient entry to [−clip, clip].
void clipGradValue(const std::vector<ad::Var>& parameters, double clip);

}  // namespace sd::nn
