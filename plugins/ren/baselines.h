#pragma once
// The unconstrained baselines of the REN comparisons (docs/methods/ren.md §7): a plain Elman RNN and an LSTM, with the
// same time-major batch layout and simulation contract as simulateRen (ren_simulation.h).
//   RNN:  h⁺ = tanh(W_u u + W_h h + b),  y = C h + d   (state h; the output uses the CURRENT state)
//   LSTM: [i f g o] = W_u u + W_h h + b, c⁺ = σ(f)∘c + σ(i)∘tanh(g), h⁺ = σ(o)∘tanh(c⁺), y = C h + d
//         (state [h; c], 2·hidden rows)
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"

#include <string>

namespace sd::ren {

enum class BaselineKind { Rnn, Lstm };

/// Parameters "Wu", "Wh", "b", "C", "d" drawn like PyTorch's nn.RNN/nn.LSTM (U(±1/√hidden)) and nn.Linear.
nn::ParameterSet initBaseline(BaselineKind kind, Eigen::Index nu, Eigen::Index hidden, Eigen::Index ny, Rng& rng);

/// Rows of the recurrent state: hidden (RNN) or 2·hidden (LSTM).
Eigen::Index baselineStateDim(BaselineKind kind, Eigen::Index hidden);

/// Number of scalars for the given sizes.
Eigen::Index baselineParameterCount(BaselineKind kind, Eigen::Index nu, Eigen::Index hidden, Eigen::Index ny);

/// The hidden size whose parameter count is closest to `target` (at least 1).
Eigen::Index baselineHiddenFor(BaselineKind kind, Eigen::Index nu, Eigen::Index ny, Eigen::Index target);

struct BaselineRollout {
    ad::Var Y;            ///< ny × (K·B)
    ad::Var finalState;   ///< stateDim × B
};

/// K steps from x0 (stateDim × B) with U (nu × K·B time-major).
BaselineRollout simulateBaseline(BaselineKind kind, const nn::ParameterSet& params, const ad::Var& x0, const ad::Var& U,
                                 Eigen::Index K);

}  // namespace sd::ren
