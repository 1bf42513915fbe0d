// ControlledBurgers::simulate — the rosenbrock4 reference solver (kept apart: odeint + ublas compile slowly):
// the banded implementation of the method (burgers_rosenbrock.h) by default, odeint's dense one on request.
#include "core/common/error.h"
#include "core/systems/burgers.h"
#include "core/systems/burgers_rosenbrock.h"

#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_controller.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_dense_output.hpp>
#include <boost/numeric/odeint/util/odeint_error.hpp>

#include <cmath>
#include <limits>
#include <utility>

namespace sd::systems {

namespace odeint = boost::numeric::odeint;
namespace ublas = boost::numeric::ublas;

ode::Solution ControlledBurgers::simulate(const ode::InputSignal& u, const Eigen::VectorXd& times,
                                          const BurgersSolverOptions& o, const Eigen::VectorXd& v0) const {
    const std::string where = "burgers::simulate";
    ode::validateOutputTimes(times, where);
    if (u.dim() != 1) throw Error(where, "input must have dimension 1, got " + std::to_string(u.dim()));
    if (!(o.rtol > 0.0) || !(o.atol > 0.0)) throw Error(where, "rtol and atol must be positive");
    const Eigen::Index N = p_.nodes, K = times.size();
    if (v0.size() != 0 && v0.size() != N)
        throw Error(where, "initial state has " + std::to_string(v0.size()) + " entries, expected " + std::to_string(N));
    const Eigen::VectorXd start = v0.size() == 0 ? Eigen::VectorXd::Zero(N) : v0;

    ode::Solution sol;
    sol.t = times;
    sol.x = Eigen::MatrixXd::Constant(N, K, std::numeric_limits<double>::quiet_NaN());
    ode::RunStatus& st = sol.status;
    if (const ode::StopReason r = ode::checkState(start, o.guard); r != ode::StopReason::Completed) {
        ode::setStop(st, r, times[0]);
        return sol;
    }
    sol.x.col(0) = start;
    st.outputsReached = 1;

    using State = ublas::vector<double>;
    using Matrix = ublas::matrix<double>;
    Eigen::VectorXd ub;
    auto inputAt = [&](double t) {
        u.evaluate(t, ub);
        return ub[0];
    };
    // The run is made autonomous by carrying the time as an extra state τ (τ̇ = 1, entry N): then ∂f/∂t = 0
    // and the input's time derivative enters through the Jacobian column ∂f/∂τ = b u̇(τ). (Passing b u̇ as
    // dfdt to Boost 1.74's rosenbrock4 loses the method's order for non-autonomous systems: measured
    // first-order convergence in the tolerance.)
    auto system = [this, &inputAt](const State& x, State& dxdt, double /*t*/) {
        const Eigen::Index n = p_.nodes;
        rhsInto(&x[0], inputAt(x[n]), &dxdt[0]);
        dxdt[n] = 1.0;
    };
    auto jacobianFn = [this, &inputAt](const State& x, Matrix& J, double /*t*/, State& dfdt) {
        const Eigen::Index n = p_.nodes;
        const double d = p_.viscosity / (h_ * h_), k = 1.0 / (6.0 * h_);
        J.resize(n + 1, n + 1, false);
        J.clear();
        for (Eigen::Index i = 0; i < n; ++i) {
            const double vl = i > 0 ? x[i - 1] : 0.0, vr = i + 1 < n ? x[i + 1] : 0.0, vi = x[i];
            J(i, i) = -2.0 * d - k * (vr - vl);
            if (i > 0) J(i, i - 1) = d + k * (2.0 * vl + vi);
            if (i + 1 < n) J(i, i + 1) = d - k * (2.0 * vr + vi);
        }
        const double tau = x[n], dt = 1e-7 * (1.0 + std::abs(tau));
        const double udot = (inputAt(tau + dt) - inputAt(tau - dt)) / (2.0 * dt);
        for (Eigen::Index i = 0; i < n; ++i) J(i, n) = b_[i] * udot;
        for (Eigen::Index i = 0; i <= n; ++i) dfdt[i] = 0.0;
    };

    if (!o.denseJacobian) {
        // The same system and Jacobian entries in the band form of BorderedTridiagonalRosenbrock4.
        auto rhs = [this, &inputAt](const double* x, double* dxdt) {
            const Eigen::Index n = p_.nodes;
            rhsInto(x, inputAt(x[n]), dxdt);
            dxdt[n] = 1.0;
        };
        auto jac = [this, &inputAt](const double* x, double* sub, double* diag, double* super, double* last) {
            const Eigen::Index n = p_.nodes;
            const double d = p_.viscosity / (h_ * h_), k = 1.0 / (6.0 * h_);
            for (Eigen::Index i = 0; i < n; ++i) {
                const double vl = i > 0 ? x[i - 1] : 0.0, vr = i + 1 < n ? x[i + 1] : 0.0, vi = x[i];
                diag[i] = -2.0 * d - k * (vr - vl);
                if (i > 0) sub[i] = d + k * (2.0 * vl + vi);
                if (i + 1 < n) super[i] = d - k * (2.0 * vr + vi);
            }
            const double tau = x[n], dt = 1e-7 * (1.0 + std::abs(tau));
            const double udot = (inputAt(tau + dt) - inputAt(tau - dt)) / (2.0 * dt);
            for (Eigen::Index i = 0; i < n; ++i) last[i] = b_[i] * udot;
        };
        BorderedTridiagonalRosenbrock4 stepper(N, rhs, jac, o.atol, o.rtol);
        Eigen::VectorXd x(N + 1), xk(N + 1);
        x.head(N) = start;
        x[N] = times[0];
        stepper.initialize(x, times[0], std::min(o.initialStep > 0.0 ? o.initialStep : 1e-4, K > 1 ? times[1] - times[0] : 1.0));
        Eigen::Index k = 1;
        while (k < K) {
            if (st.steps >= o.guard.maxSteps) {
                ode::setStop(st, ode::StopReason::MaxSteps, stepper.currentTime());
                return sol;
            }
            if (!stepper.doStep()) {
                ode::setStop(st, ode::StopReason::StepSizeFailure, stepper.currentTime());
                return sol;
            }
            ++st.steps;
            if (const ode::StopReason r = ode::checkState(stepper.currentState().head(N), o.guard); r != ode::StopReason::Completed) {
                ode::setStop(st, r, stepper.currentTime());
                return sol;
            }
            while (k < K && times[k] <= stepper.currentTime()) {
                stepper.calcState(times[k], xk.data());
                sol.x.col(k) = xk.head(N);
                st.outputsReached = ++k;
            }
        }
        ode::setStop(st, ode::StopReason::Completed, times[K - 1]);
        st.message = "completed";
        return sol;
    }

    using Stepper = odeint::rosenbrock4<double>;
    using Controller = odeint::rosenbrock4_controller<Stepper>;
    odeint::rosenbrock4_dense_output<Controller> stepper{Controller(o.atol, o.rtol)};
    State x(N + 1);
    for (Eigen::Index i = 0; i < N; ++i) x[i] = start[i];
    x[N] = times[0];
    const double dt0 = std::min(o.initialStep > 0.0 ? o.initialStep : 1e-4, K > 1 ? times[1] - times[0] : 1.0);
    stepper.initialize(x, times[0], dt0);
    auto sys = std::make_pair(system, jacobianFn);
    State xk(N + 1);
    Eigen::Index k = 1;
    while (k < K) {
        if (st.steps >= o.guard.maxSteps) {
            ode::setStop(st, ode::StopReason::MaxSteps, stepper.current_time());
            return sol;
        }
        try {
            stepper.do_step(sys);
        } catch (const odeint::odeint_error&) {
            ode::setStop(st, ode::StopReason::StepSizeFailure, stepper.current_time());
            return sol;
        }
        ++st.steps;
        const State& cur = stepper.current_state();
        const Eigen::Map<const Eigen::VectorXd> curMap(&cur[0], N);
        if (const ode::StopReason r = ode::checkState(curMap, o.guard); r != ode::StopReason::Completed) {
            ode::setStop(st, r, stepper.current_time());
            return sol;
        }
        while (k < K && times[k] <= stepper.current_time()) {
            stepper.calc_state(times[k], xk);
            sol.x.col(k) = Eigen::Map<const Eigen::VectorXd>(&xk[0], N);
            st.outputsReached = ++k;
        }
    }
    ode::setStop(st, ode::StopReason::Completed, times[K - 1]);
    st.message = "completed";
    return sol;
}

}  // namespace sd::systems
