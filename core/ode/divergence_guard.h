#pragma once
// The divergence guard shared by every integrator of core/ode, and how a run ended.
//
// Promise: an integration NEVER throws and NEVER hangs because the solution blows up or the adaptive step
// collapses. After every accepted step the state is checked; a non-finite entry, or a Euclidean norm above
// `normBound`, stops the run. Adaptive runs also stop after `maxSteps` steps (attempted step calls), and
// when the step-size controller gives up. The reason and the time are reported in a RunStatus, which tells
// the two apart: a DIVERGED run left the bounded region (non-finite or above the norm bound); a STALLED run
// stayed bounded but the integrator could not get on (step limit, step-size failure) — typically chatter at
// a discontinuity of the field, not instability. An optional rest test ends an adaptive run early, and
// successfully, once the state is in a set the caller knows to be invariant (e.g. {V ≤ c} of a Lyapunov
// function V with V̇ ≤ 0): the remaining outputs then hold that rest state.
// (Invalid ARGUMENTS — wrong shapes, non-increasing output times, h ≤ 0 — do throw sd::Error; exceptions
// thrown by the user's field or input function propagate unchanged.)
#include <Eigen/Core>
#include <functional>
#include <string>

namespace sd::ode {

struct GuardOptions {
    double normBound = 1e6;          ///< stop when ‖x‖₂ > normBound (per state; +inf disables)
    long long maxSteps = 10'000'000; ///< stop after this many integrator steps (per state / per batch run)
    /// Optional (adaptive integrators only): true when the state is at rest, in a set that the caller knows
    /// to be invariant and small. Checked after every accepted step, once the outputs up to the current time
    /// are written; when true the run ends with StopReason::AtRest and every later output holds that state.
    std::function<bool(const Eigen::VectorXd&)> atRest;
};

enum class StopReason {
    Completed,        ///< every requested output time was reached
    NonFinite,        ///< a state entry became NaN or ±Inf
    NormBound,        ///< ‖x‖₂ exceeded GuardOptions::normBound
    MaxSteps,         ///< GuardOptions::maxSteps steps were taken before the final time
    StepSizeFailure,  ///< the adaptive controller could not find an acceptable step
    AtRest,           ///< GuardOptions::atRest held: later outputs hold the rest state (a success)
};

/// "completed", "non-finite state", "norm bound exceeded", "maximum steps reached", "step size failure",
/// "at rest".
const char* toString(StopReason reason);

struct RunStatus {
    StopReason reason = StopReason::Completed;
    /// Completed: the final output time. Otherwise: the time of the first offending state (NonFinite,
    /// NormBound), the time reached when the run was abandoned (MaxSteps, StepSizeFailure), or the time the
    /// rest test first held (AtRest).
    double stopTime = 0.0;
    /// Number of leading output times whose states were produced (K when completed or at rest).
    Eigen::Index outputsReached = 0;
    long long steps = 0;             ///< integrator steps taken
    std::string message;             ///< human-readable summary, e.g. "norm bound exceeded at t = 0.999"

    bool completed() const { return reason == StopReason::Completed; }
    /// Every output time has a state: completed, or at rest (later outputs hold the rest state).
    bool finished() const { return reason == StopReason::Completed || reason == StopReason::AtRest; }
    /// Left the bounded region: a non-finite state or the norm bound.
    bool diverged() const { return reason == StopReason::NonFinite || reason == StopReason::NormBound; }
    /// Bounded, but the integrator gave up before the end (step limit or step-size failure).
    bool stalled() const { return reason == StopReason::MaxSteps || reason == StopReason::StepSizeFailure; }
    bool atRest() const { return reason == StopReason::AtRest; }
};

/// The guard test for one state: Completed if all entries are finite and ‖x‖₂ ≤ normBound, else the
/// reason. (Runs in O(nx); non-finite takes precedence over the norm bound.)
StopReason checkState(const Eigen::Ref<const Eigen::VectorXd>& x, const GuardOptions& guard);

/// Fills reason, stopTime and message ("<reason> at t = <time>").
void setStop(RunStatus& status, StopReason reason, double time);

}  // namespace sd::ode
