#pragma once
// Adaptive Dormand–Prince 5(4) with dense output (Boost.Odeint make_dense_output(atol, rtol,
// runge_kutta_dopri5) on Eigen::VectorXd with vector_space_algebra).
//
// The controller keeps the local error per component below atol + rtol·|x| (odeint's standard error
// checker). The stepper takes its own steps; the states at the requested output times are obtained by
// the method's 4th-order dense-output interpolation, so the output times never constrain the steps
// and are honoured exactly (states at times[k] for every k). times[0] is the initial time.
// The last step may overshoot times.back() (f and u are then evaluated slightly beyond it).
//
// Divergence guard (divergence_guard.h): checked on x0 and after every accepted step; also stops after
// guard.maxSteps steps (MaxSteps) or when odeint's controller gives up (StepSizeFailure). On a stop the
// remaining outputs are NaN — except AtRest (guard.atRest held), where they hold the rest state. Never
// throws for a diverging or stalling solution; throws sd::Error for invalid arguments (tolerances ≤ 0, bad
// times, size mismatches, a field returning the wrong size).
#include "core/ode/divergence_guard.h"
#include "core/ode/field.h"
#include "core/ode/input_signal.h"
#include "core/ode/solution.h"

#include <vector>

namespace sd::ode {

struct Dopri5Options {
    double rtol = 1e-6;
    double atol = 1e-8;
    double initialStep = 0.0;  ///< first trial step; 0 = automatic (1e-3 of the span, at most the first output gap)
    double maxStep = 0.0;      ///< largest step; 0 = unlimited
    GuardOptions guard;
};

/// Integrates ẋ = f(t, x, u(t)) from x(times[0]) = x0 and returns x at every output time.
Solution integrateDopri5(const Field& f, const Eigen::VectorXd& x0, const Eigen::VectorXd& times,
                         const InputSignal& u = InputSignal(), const Dopri5Options& options = {});

/// Integrates each column of X0 independently with integrateDopri5 (each state gets its own adaptive
/// steps, so this is a loop, not vectorised). `inputs`: empty, one shared signal, or one per column.
/// Column b of the result equals integrateDopri5 of column b exactly.
BatchSolution integrateDopri5Batch(const Field& f, const Eigen::MatrixXd& X0, const Eigen::VectorXd& times,
                                   const std::vector<InputSignal>& inputs = {}, const Dopri5Options& options = {});

}  // namespace sd::ode
