#pragma once
// Seeded input-signal generators (scalar inputs, nu = 1). Every random generator draws from the caller's
// sd::Rng, in the documented order, so a seed reproduces the signal exactly. The returned
// ode::InputSignal objects evaluate the closed-form signal (no sampling) and are safe to share.
#include "core/common/rng.h"
#include "core/ode/input_signal.h"

#include <Eigen/Core>

namespace sd::systems {

/// u(t) = Σ_j a_j sin(ω_j t + φ_j). The three vectors must have equal length ≥ 1 (sd::Error otherwise).
/// (A cosine term is a sine with φ = π/2.)
ode::InputSignal sumOfSines(const Eigen::VectorXd& amplitudes, const Eigen::VectorXd& omegas,
                            const Eigen::VectorXd& phases);

/// sumOfSines with `terms` terms; for each term draws a ~ U[ampLo, ampHi), ω ~ U[omegaLo, omegaHi),
/// φ ~ U[0, 2π) in that order.
ode::InputSignal randomSumOfSines(Rng& rng, int terms, double ampLo, double ampHi, double omegaLo, double omegaHi);

/// u(t) = before for t < stepTime, level for t ≥ stepTime (u ≡ level when stepTime ≤ start time).
ode::InputSignal stepInput(double level, double stepTime = 0.0, double before = 0.0);

/// Piecewise-constant random steps: levels ~ U[lo, hi) drawn in order, each held for `holdTime`
/// starting at t = 0 (level k on [k·holdTime, (k+1)·holdTime)); the last level is held after tEnd.
ode::InputSignal randomSteps(Rng& rng, double tEnd, double holdTime, double lo, double hi);

/// Random-phase multisine: u(t) = a Σ_{k=1..harmonics} cos(2π k f0 t + φ_k), φ_k ~ U[0, 2π) drawn in order,
/// a = rms·sqrt(2/harmonics) so that the mean power equals rms².
ode::InputSignal multisine(Rng& rng, int harmonics, double baseFrequencyHz, double rms);

/// Square wave u(t) = amplitude · sign(sin(ω t + φ)) (sign(0) = 0).
ode::InputSignal squareWave(double amplitude, double omega, double phase = 0.0);

/// Clipped random walk samples b_0 = clip(start), b_{k+1} = clip(b_k + stepStd·(η_k + drift), lo, hi),
/// η_k ~ N(0, 1) drawn in order. Returns `count` samples.
Eigen::VectorXd clippedRandomWalk(Rng& rng, Eigen::Index count, double start, double stepStd, double lo, double hi,
                                  double drift = 0.0);

}  // namespace sd::systems
