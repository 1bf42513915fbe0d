#pragma once
// Gradient checking by central finite differences, first and second order.
//
// A checked function maps input matrices (given as fresh leaves requiring gradients) to a Var. A
// non-scalar result is reduced to the scalar L = Σ w_ij·f_ij with fixed random weights w (seeded), so
// every output entry is exercised. Analytic gradients come from grad() in both modes (fast and
// createGraph), and both are compared with central differences of L.
#include "core/autodiff/var.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sd::ad {

using CheckedFunction = std::function<Var(const std::vector<Var>&)>;

struct GradCheckOptions {
    double step = 1e-6;      ///< central-difference step h
    double absTol = 1e-6;    ///< an entry passes if |analytic − numeric| ≤ absTol + relTol·max(|analytic|, |numeric|)
    double relTol = 1e-5;
    std::uint64_t seed = 7;  ///< output weights and second-order directions
};

struct GradCheckResult {
    bool ok = true;
    double maxAbsError = 0.0;
    double maxRelError = 0.0;   ///< |a − n| / max(|a|, |n|, 1e-12) at the worst entry
    std::string message;        ///< first failing entry ("input 1 (2,3): analytic … numeric …"), empty if ok
};

/// First order: ∂L/∂inputs[i] from grad(…, createGraph=false) and grad(…, createGraph=true) against
/// central differences.
GradCheckResult checkGradient(const CheckedFunction& f, const std::vector<MatrixXd>& inputs,
                              const GradCheckOptions& options = {});

/// Second order (grad of grad): with fixed random directions V_i, h(x) = Σ_i ⟨V_i, ∂L/∂x_i⟩ is built with
/// grad(…, createGraph=true) and differentiated again; the result is compared with central differences of
/// h evaluated through first-order gradients. This checks every op's differentiable adjoint.
GradCheckResult checkSecondOrder(const CheckedFunction& f, const std::vector<MatrixXd>& inputs,
                                 const GradCheckOptions& options = {});

/// Central-difference gradient of a scalar function of matrices with respect to inputs[which].
MatrixXd numericalGradient(const std::function<double(const std::vector<MatrixXd>&)>& f,
                           std::vector<MatrixXd> inputs, std::size_t which, double step);

}  // namespace sd::ad
