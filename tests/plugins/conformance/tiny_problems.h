#pragma once
// Tiny synthetic problems the conformance suite trains every plugin on (seconds, not minutes).
#include "core/data/dataset.h"

namespace sd::test {

/// 2-D controlled quadratic system ẋ = A x + H(x⊗x) + B u sampled on 3 trajectories (t ∈ [0, 4],
/// 201 samples, RK4 h = 0.02/4), exact derivatives included. Splits: train {0, 1}, validation {2}.
data::Dataset tinyControlledTrajectories();

/// 2-D damped linear oscillator as an unordered (x, ẋ) pair set of 256 samples in [−2, 2]²
/// (train) and 64 samples (validation).
data::Dataset tinyAutonomousPairs();

/// Single-input single-output discrete-time sequences from a stable linear filter with a tanh output
/// (2 sequences of 200 samples; states unknown: x has zero rows). Splits: train {0}, validation {1}.
data::Dataset tinyInputOutputSequences();

/// A tiny gray video texture: two generated "ripples" videos of 16×16 pixels (systems::generateRippleTexture,
/// seeds 0 and 1, 12 and 8 frames) as one video dataset (frames as states, 256 pixel channels).
/// Splits: train {0}, validation {1}.
data::Dataset tinyVideo();

}  // namespace sd::test
