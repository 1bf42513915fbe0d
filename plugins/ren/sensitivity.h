#pragma once
// Observed sensitivity: a LOWER bound of the incremental Lipschitz constant of a sequence model found by
// gradient ascent on input perturbations (docs/methods/ren.md §9.3, the paper code's estimate_lipschitz_lower):
//   γ̲ = max over (uᵃ, uᵇ, x₀) of ‖M(x₀, uᵃ) − M(x₀, uᵇ)‖_F / ‖uᵃ − uᵇ‖_F,
// the same x₀ for both inputs and optimised too. For a Lipschitz REN it can never exceed γ.
#include "core/autodiff/var.h"

#include <cstdint>
#include <functional>

namespace sd::ren {

/// A differentiable sequence model: (x₀ nx×1, U nu×K) → Y (ny×K).
using SequenceMap = std::function<ad::Var(const ad::Var& x0, const ad::Var& U)>;

struct SensitivityOptions {
    Eigen::Index length = 3000;    ///< K
    int iterations = 300;
    double inputScale = 1e-3;      ///< uᵃ = s·N(0,1)
    double perturbation = 1e-4;    ///< uᵇ = uᵃ + p·N(0,1)
    double stepSize = 1e-2;        ///< Adam step
    double clip = 1e-2;            ///< element-wise gradient clip before Adam
    int decayEvery = 200;          ///< step ×0.1 every decayEvery iterations, floored at 1e-3
    std::uint64_t seed = 0;
};

struct SensitivityResult {
    double lowerBound = 0.0;       ///< the largest ratio seen
    double initialRatio = 0.0;     ///< ratio at the random starting point
    int iterations = 0;
};

/// Gradient ascent as above. `stateDim` may be 0 (no initial state to optimise).
SensitivityResult estimateSensitivity(const SequenceMap& model, Eigen::Index stateDim, Eigen::Index inputDim,
                                      const SensitivityOptions& options);

}  // namespace sd::ren
