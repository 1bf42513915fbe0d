#pragma once
// Branch-free loops for the piecewise activations (ReLU, leaky ReLU, ReHU and their derivatives), used by
// the unary ops (ops_elementwise.cpp) and by plain-Eigen evaluators of the same networks (FieldEvaluator).
//
// Why: written as `x > 0 ? a : b` per element (Eigen's unaryExpr/select), these compile to a branch per
// element; on the random signs of pre-activations half of them mispredict, which made the activations
// cost as much as the matrix products of a training step. Here both sides are computed and the result is
// picked with SSE2 bit masks (baseline x86-64), with the same arithmetic per element, so every value is
// bit-identical to the scalar formulas of ops.h (also for NaN/Inf inputs). Other CPUs use the scalar loop.
// All arrays have n entries; `out` may not alias the inputs.
#include <Eigen/Core>

namespace sd::ad::detail {

using Eigen::Index;

/// y = x > 0 ? 1 : 0 (ReLU').
void stepValue(const double* x, double* y, Index n);
/// out += x > 0 ? g : 0 (ReLU backward).
void reluGradAdd(const double* x, const double* g, double* out, Index n);
/// y = x > 0 ? x : slope·x.
void leakyReluValue(const double* x, double* y, Index n, double slope);
/// y = x > 0 ? 1 : slope.
void leakyStepValue(const double* x, double* y, Index n, double slope);
/// out += x > 0 ? g : slope·g.
void leakyReluGradAdd(const double* x, const double* g, double* out, Index n, double slope);
/// y = ReHU_d(x) = x ≤ 0 ? 0 : (x < d ? x·x/(2d) : x − d/2).
void rehuValue(const double* x, double* y, Index n, double d);
/// y = ReHU_d'(x) = x ≤ 0 ? 0 : (x < d ? x/d : 1).
void rehuPrimeValue(const double* x, double* y, Index n, double d);
/// y = ReHU_d''(x) = (x > 0 and x < d) ? 1/d : 0.
void rehuSecondValue(const double* x, double* y, Index n, double d);
/// out += g·ReHU_d'(x).
void rehuGradAdd(const double* x, const double* g, double* out, Index n, double d);
/// out += g·ReHU_d''(x).
void rehuPrimeGradAdd(const double* x, const double* g, double* out, Index n, double d);

}  // namespace sd::ad::detail
