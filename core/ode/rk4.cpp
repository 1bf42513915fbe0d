#include "core/ode/rk4.h"

#include "core/common/error.h"
#include "core/ode/batch_inputs.h"

#include "core/ode/odeint_eigen.h"
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>

#include <cmath>
#include <limits>
#include <numeric>

namespace sd::ode {

namespace odeint = boost::numeric::odeint;

namespace {

using VectorStepper = odeint::runge_kutta4<Eigen::VectorXd, double, Eigen::VectorXd, double, odeint::vector_space_algebra>;
using MatrixStepper = odeint::runge_kutta4<Eigen::MatrixXd, double, Eigen::MatrixXd, double, odeint::vector_space_algebra>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Number of equal sub-steps for an output interval of length `span` with maximum step h.
long long subSteps(double span, double h) {
    const double n = std::ceil(span / h * (1.0 - 1e-12));
    return n < 1.0 ? 1 : static_cast<long long>(n);
}

void checkOptions(const Rk4Options& o, const std::string& where) {
    if (!(o.step > 0.0) || !std::isfinite(o.step)) throw Error(where, "step must be positive and finite");
    if (!(o.guard.normBound > 0.0)) throw Error(where, "guard norm bound must be positive");
    if (o.guard.maxSteps < 1) throw Error(where, "guard maxSteps must be at least 1");
}

}  // namespace

Solution integrateRk4(const Field& f, const Eigen::VectorXd& x0, const Eigen::VectorXd& times, const InputSignal& u,
                      const Rk4Options& options) {
    const std::string where = "ode::integrateRk4";
    if (!f) throw Error(where, "empty field");
    checkOptions(options, where);
    const Eigen::Index nx = x0.size(), K = times.size();
    Solution sol = startSolution(x0, times, options.guard, where);
    RunStatus& st = sol.status;
    if (!st.completed()) return sol;

    Eigen::VectorXd uBuf;
    auto system = [&](const Eigen::VectorXd& x, Eigen::VectorXd& dxdt, double t) {
        u.evaluate(t, uBuf);
        dxdt = f(t, x, uBuf);
        if (dxdt.size() != nx)
            throw Error(where, "field returned " + std::to_string(dxdt.size()) + " values, expected " +
                                   std::to_string(nx));
    };

    VectorStepper stepper;
    Eigen::VectorXd x = x0;
    for (Eigen::Index k = 0; k + 1 < K; ++k) {
        const double t0 = times[k], span = times[k + 1] - t0;
        const long long n = subSteps(span, options.step);
        const double h = span / static_cast<double>(n);
        for (long long s = 0; s < n; ++s) {
            const double t = t0 + static_cast<double>(s) * h;
            const double tNext = (s + 1 == n) ? times[k + 1] : t0 + static_cast<double>(s + 1) * h;
            if (st.steps >= options.guard.maxSteps) {
                setStop(st, StopReason::MaxSteps, t);
                return sol;
            }
            stepper.do_step(system, x, t, h);
            ++st.steps;
            if (const StopReason r = checkState(x, options.guard); r != StopReason::Completed) {
                setStop(st, r, tNext);
                return sol;
            }
        }
        sol.x.col(k + 1) = x;
        st.outputsReached = k + 2;
    }
    setStop(st, StopReason::Completed, times[K - 1]);
    st.message = "completed";
    return sol;
}

BatchSolution integrateRk4Batch(const BatchField& F, const Eigen::MatrixXd& X0, const Eigen::VectorXd& times,
                                const std::vector<InputSignal>& inputs, const Rk4Options& options) {
    const std::string where = "ode::integrateRk4Batch";
    if (!F) throw Error(where, "empty field");
    checkOptions(options, where);
    validateOutputTimes(times, where);
    const Eigen::Index nx = X0.rows(), B = X0.cols(), K = times.size();
    validateBatchInputs(inputs, B, where);

    BatchSolution sol;
    sol.t = times;
    sol.states.assign(static_cast<std::size_t>(K), Eigen::MatrixXd::Constant(nx, B, kNaN));
    sol.status.assign(static_cast<std::size_t>(B), RunStatus{});

    // Running states, compacted: X.col(j) is original state active[j].
    std::vector<Eigen::Index> active;
    for (Eigen::Index b = 0; b < B; ++b) {
        RunStatus& st = sol.status[static_cast<std::size_t>(b)];
        if (const StopReason r = checkState(X0.col(b), options.guard); r != StopReason::Completed) {
            setStop(st, r, times[0]);
            continue;
        }
        sol.states[0].col(b) = X0.col(b);
        st.outputsReached = 1;
        active.push_back(b);
    }
    Eigen::MatrixXd X(nx, static_cast<Eigen::Index>(active.size()));
    for (std::size_t j = 0; j < active.size(); ++j) X.col(static_cast<Eigen::Index>(j)) = X0.col(active[j]);

    Eigen::MatrixXd U;
    auto system = [&](const Eigen::MatrixXd& Xs, Eigen::MatrixXd& dXdt, double t) {
        evaluateBatchInputs(inputs, active, t, U);
        dXdt = F(t, Xs, U);
        if (dXdt.rows() != Xs.rows() || dXdt.cols() != Xs.cols())
            throw Error(where, "batched field returned " + std::to_string(dXdt.rows()) + "×" +
                                   std::to_string(dXdt.cols()) + ", expected " + std::to_string(Xs.rows()) + "×" +
                                   std::to_string(Xs.cols()));
    };

    long long steps = 0;
    auto stopActive = [&](StopReason reason, double t) {
        for (Eigen::Index b : active) {
            sol.status[static_cast<std::size_t>(b)].steps = steps;
            setStop(sol.status[static_cast<std::size_t>(b)], reason, t);
        }
        active.clear();
    };

    MatrixStepper stepper;
    for (Eigen::Index k = 0; k + 1 < K && !active.empty(); ++k) {
        const double t0 = times[k], span = times[k + 1] - t0;
        const long long n = subSteps(span, options.step);
        const double h = span / static_cast<double>(n);
        for (long long s = 0; s < n && !active.empty(); ++s) {
            const double t = t0 + static_cast<double>(s) * h;
            const double tNext = (s + 1 == n) ? times[k + 1] : t0 + static_cast<double>(s + 1) * h;
            if (steps >= options.guard.maxSteps) {
                stopActive(StopReason::MaxSteps, t);
                break;
            }
            stepper.do_step(system, X, t, h);
            ++steps;
            // Guard: drop stopped states from the batch.
            std::vector<Eigen::Index> keep;
            keep.reserve(active.size());
            for (std::size_t j = 0; j < active.size(); ++j) {
                const StopReason r = checkState(X.col(static_cast<Eigen::Index>(j)), options.guard);
                if (r == StopReason::Completed) {
                    keep.push_back(static_cast<Eigen::Index>(j));
                } else {
                    RunStatus& st = sol.status[static_cast<std::size_t>(active[j])];
                    st.steps = steps;
                    setStop(st, r, tNext);
                }
            }
            if (keep.size() != active.size()) {
                Eigen::MatrixXd Xk(nx, static_cast<Eigen::Index>(keep.size()));
                std::vector<Eigen::Index> activeK(keep.size());
                for (std::size_t i = 0; i < keep.size(); ++i) {
                    Xk.col(static_cast<Eigen::Index>(i)) = X.col(keep[i]);
                    activeK[i] = active[static_cast<std::size_t>(keep[i])];
                }
                X = std::move(Xk);
                active = std::move(activeK);
                stepper = MatrixStepper();  // temporaries have the old batch size
            }
        }
        if (active.empty()) break;
        for (std::size_t j = 0; j < active.size(); ++j) {
            sol.states[static_cast<std::size_t>(k + 1)].col(active[j]) = X.col(static_cast<Eigen::Index>(j));
            sol.status[static_cast<std::size_t>(active[j])].outputsReached = k + 2;
        }
    }
    for (Eigen::Index b : active) {
        RunStatus& st = sol.status[static_cast<std::size_t>(b)];
        st.steps = steps;
        setStop(st, StopReason::Completed, times[K - 1]);
        st.message = "completed";
    }
    return sol;
}

Eigen::MatrixXd rk4Step(const BatchField& F, double t, const Eigen::MatrixXd& X, double h,
                        const std::vector<InputSignal>& inputs) {
    const std::string where = "ode::rk4Step";
    if (!F) throw Error(where, "empty field");
    validateBatchInputs(inputs, X.cols(), where);
    std::vector<Eigen::Index> columns(static_cast<std::size_t>(X.cols()));
    std::iota(columns.begin(), columns.end(), Eigen::Index{0});
    Eigen::MatrixXd U;
    auto system = [&](const Eigen::MatrixXd& Xs, Eigen::MatrixXd& dXdt, double tt) {
        evaluateBatchInputs(inputs, columns, tt, U);
        dXdt = F(tt, Xs, U);
        if (dXdt.rows() != Xs.rows() || dXdt.cols() != Xs.cols())
            throw Error(where, "batched field returned a wrong shape");
    };
    Eigen::MatrixXd Xn = X;
    MatrixStepper().do_step(system, Xn, t, h);
    return Xn;
}

}  // namespace sd::ode
