#pragma once
// Classical fixed-step Runge–Kutta 4 (Boost.Odeint runge_kutta4 on Eigen states, vector_space_algebra).
//
// Output times and the step. times[0] is the initial time (x(times[0]) = x0). Each interval
// [t_k, t_{k+1}] is split into n_k = ceil((t_{k+1} − t_k)/h) EQUAL steps, so every output time is hit
// exactly and no step exceeds h; when the output spacing is a multiple of h the step is exactly h.
// The global error is O(h⁴) for smooth f and u.
//
// The input is evaluated at the stage times (u(t), u(t + h/2), u(t + h)).
// Divergence guard (divergence_guard.h): checked on x0 and after every step; on a stop the status gives
// the reason and the time of the offending state, and the remaining outputs are NaN. Never throws for
// a diverging solution; throws sd::Error for invalid arguments (h ≤ 0, bad times, size mismatches,
// a field returning the wrong size).
#include "core/ode/divergence_guard.h"
#include "core/ode/field.h"
#include "core/ode/input_signal.h"
#include "core/ode/solution.h"

#include <vector>

namespace sd::ode {

struct Rk4Options {
    double step = 0.01;   ///< maximum step h (> 0)
    GuardOptions guard;
};

/// Integrates ẋ = f(t, x, u(t)) from x(times[0]) = x0 and returns x at every output time.
Solution integrateRk4(const Field& f, const Eigen::VectorXd& x0, const Eigen::VectorXd& times,
                      const InputSignal& u = InputSignal(), const Rk4Options& options = {});

/// Batch RK4, VECTORISED over the batch: integrates the B columns of X0 (nx×B) together, calling the
/// batched field F once on the nx×B' matrix of still-running states per RK stage (4 calls per step).
/// `inputs`: empty (no input), one signal (shared by all states) or B signals (one per column).
/// A state stopped by the guard is removed from the batch (the others continue, unaffected); its
/// columns in later outputs are NaN. Column b of the result equals integrateRk4 of column b
/// (up to floating-point rounding of the batched field).
BatchSolution integrateRk4Batch(const BatchField& F, const Eigen::MatrixXd& X0, const Eigen::VectorXd& times,
                                const std::vector<InputSignal>& inputs = {}, const Rk4Options& options = {});

/// One classical RK4 step of size h for a batch (no guard): X(t + h) from X(t); U(t) from `inputs` as above.
Eigen::MatrixXd rk4Step(const BatchField& F, double t, const Eigen::MatrixXd& X, double h,
                        const std::vector<InputSignal>& inputs = {});

}  // namespace sd::ode
