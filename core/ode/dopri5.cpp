#include "core/ode/dopri5.h"

#include "core/common/error.h"
#include "core/ode/batch_inputs.h"

#include "core/ode/odeint_eigen.h"
#include <boost/numeric/odeint/integrate/integrate_adaptive.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/util/odeint_error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sd::ode {

namespace odeint = boost::numeric::odeint;

namespace {

using Dopri5 = odeint::runge_kutta_dopri5<Eigen::VectorXd, double, Eigen::VectorXd, double, odeint::vector_space_algebra>;

constexpr double kUnreached = std::numeric_limits<double>::quiet_NaN();

void checkOptions(const Dopri5Options& o, const std::string& where) {
    if (!(o.rtol > 0.0) || !(o.atol > 0.0)) throw Error(where, "rtol and atol must be positive");
    if (!(o.initialStep >= 0.0) || !(o.maxStep >= 0.0)) throw Error(where, "initialStep and maxStep must be ≥ 0");
    if (!(o.guard.normBound > 0.0)) throw Error(where, "guard norm bound must be positive");
    if (o.guard.maxSteps < 1) throw Error(where, "guard maxSteps must be at least 1");
}

template <class DenseStepper, class System>
void runDense(DenseStepper& stepper, System& system, const Eigen::VectorXd& x0, const Eigen::VectorXd& times,
              double dt0, const GuardOptions& guard, Solution& sol) {
    RunStatus& st = sol.status;
    const Eigen::Index K = times.size();
    stepper.initialize(x0, times[0], dt0);
    Eigen::Index k = 1;
    Eigen::VectorXd xk(x0.size());
    while (k < K) {
        if (st.steps >= guard.maxSteps) {
            setStop(st, StopReason::MaxSteps, stepper.current_time());
            return;
        }
        try {
            stepper.do_step(system);
        } catch (const odeint::odeint_error&) {
            setStop(st, StopReason::StepSizeFailure, stepper.current_time());
            return;
        }
        ++st.steps;
        if (const StopReason r = checkState(stepper.current_state(), guard); r != StopReason::Completed) {
            // Outputs inside the offending step are not produced (they stay NaN).
            setStop(st, r, stepper.current_time());
            return;
        }
        while (k < K && times[k] <= stepper.current_time()) {
            stepper.calc_state(times[k], xk);
            sol.x.col(k) = xk;
            st.outputsReached = ++k;
        }
        if (k < K && guard.atRest && guard.atRest(stepper.current_state())) {
            // The caller's invariant rest set: the remaining outputs hold the rest state.
            for (; k < K; ++k) sol.x.col(k) = stepper.current_state();
            st.outputsReached = K;
            setStop(st, StopReason::AtRest, stepper.current_time());
            return;
        }
    }
    setStop(st, StopReason::Completed, times[K - 1]);
    st.message = "completed";
}

}  // namespace

Solution integrateDopri5(const Field& f, const Eigen::VectorXd& x0, const Eigen::VectorXd& times, const InputSignal& u,
                         const Dopri5Options& options) {
    const std::string where = "ode::integrateDopri5";
    if (!f) throw Error(where, "empty field");
    checkOptions(options, where);
    const Eigen::Index nx = x0.size(), K = times.size();
    Solution sol = startSolution(x0, times, options.guard, where);
    RunStatus& st = sol.status;
    if (!st.completed()) return sol;
    if (K == 1) {
        setStop(st, StopReason::Completed, times[0]);
        st.message = "completed";
        return sol;
    }

    Eigen::VectorXd uBuf;
    auto system = [&](const Eigen::VectorXd& x, Eigen::VectorXd& dxdt, double t) {
        u.evaluate(t, uBuf);
        dxdt = f(t, x, uBuf);
        if (dxdt.size() != nx)
            throw Error(where, "field returned " + std::to_string(dxdt.size()) + " values, expected " +
                                   std::to_string(nx));
    };

    const double span = times[K - 1] - times[0];
    double dt0 = options.initialStep > 0.0 ? options.initialStep : std::min(1e-3 * span, times[1] - times[0]);
    if (options.maxStep > 0.0) dt0 = std::min(dt0, options.maxStep);

    if (options.maxStep > 0.0) {
        auto stepper = odeint::make_dense_output(options.atol, options.rtol, options.maxStep, Dopri5());
        runDense(stepper, system, x0, times, dt0, options.guard, sol);
    } else {
        auto stepper = odeint::make_dense_output(options.atol, options.rtol, Dopri5());
        runDense(stepper, system, x0, times, dt0, options.guard, sol);
    }
    return sol;
}

BatchSolution integrateDopri5Batch(const Field& f, const Eigen::MatrixXd& X0, const Eigen::VectorXd& times,
                                   const std::vector<InputSignal>& inputs, const Dopri5Options& options) {
    const std::string where = "ode::integrateDopri5Batch";
    validateOutputTimes(times, where);
    const Eigen::Index nx = X0.rows(), B = X0.cols(), K = times.size();
    validateBatchInputs(inputs, B, where);
    BatchSolution out;
    out.t = times;
    out.states.assign(static_cast<std::size_t>(K), Eigen::MatrixXd::Constant(nx, B, kUnreached));
    out.status.resize(static_cast<std::size_t>(B));
    for (Eigen::Index b = 0; b < B; ++b) {
        Solution s = integrateDopri5(f, X0.col(b), times, inputOf(inputs, b), options);
        for (Eigen::Index k = 0; k < K; ++k) out.states[static_cast<std::size_t>(k)].col(b) = s.x.col(k);
        out.status[static_cast<std::size_t>(b)] = std::move(s.status);
    }
    return out;
}

}  // namespace sd::ode
