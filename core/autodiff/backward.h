#pragma once
// Reverse sweeps over the graph: backward() accumulates into leaf gradients (training), grad()
// returns gradients as Vars (input gradients, second order).
#include "core/autodiff/var.h"

#include <vector>

namespace sd::ad {

/// Accumulates ∂loss/∂leaf into grad() of every leaf with requiresGrad() that loss depends on
/// (PyTorch's loss.backward()). loss must be 1×1 and require gradients; throws sd::Error otherwise.
/// Gradients accumulate across calls: zero them before each step (Optimizer::zeroGrad()).
void backward(const Var& loss);

/// As backward(loss) for a non-scalar output, with the vector-Jacobian seed ∂L/∂output (same shape).
void backward(const Var& output, const MatrixXd& seed);

/// Gradients of `output` with respect to each of `inputs` (any nodes of the graph, not just leaves),
/// without touching leaf grad() storage.
///  * For a non-scalar output the gradient is that of the sum of its entries, unless `seed`
///    (same shape as output) gives ∂L/∂output. For V (1×B) of a batch x (n×B) whose columns are
///    independent, grad(V, {x}) is ∇ₓV column by column.
///  * createGraph = false: constant Vars computed by the fast pure-Eigen adjoints.
///  * createGraph = true: differentiable Vars (built from ops), so grad() / backward() can be applied
///    again: second order.
///  * An input the output does not depend on gets a zero matrix of its shape.
std::vector<Var> grad(const Var& output, const std::vector<Var>& inputs, bool createGraph = false,
                      const Var& seed = Var());

/// Vector-valued convenience: gradient of output with respect to one input.
Var grad(const Var& output, const Var& input, bool createGraph = false, const Var& seed = Var());

}  // namespace sd::ad
