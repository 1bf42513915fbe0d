#pragma once
// BorderedTridiagonalRosenbrock4 — Boost.Odeint's rosenbrock4 method (Kaps–Rentrop coefficients of
// odeint's default_rosenbrock_coefficients, rosenbrock4_controller's step-size control, rosenbrock4_dense_output's
// interpolation) for systems whose Jacobian is TRIDIAGONAL PLUS A DENSE LAST COLUMN, WITH A ZERO LAST ROW:
// the controlled Burgers FOM made autonomous with the time as last state (burgers.h).
//
// odeint factorises the dense (N+1)×(N+1) matrix I/(γh) − J by LU with partial pivoting in every step, O(N³).
// Here the same elimination runs on the band: partial pivoting in a tridiagonal matrix only ever swaps
// neighbouring rows, which creates one extra superdiagonal (LAPACK's gttrf), and the border column is carried
// along; the forward and back substitutions visit the non-zeros in the same order as ublas' lu_substitute.
// Every other formula is odeint's verbatim, so the step sequence and the solution are those of odeint (up to
// rounding, bit for bit in the cases we tested); cost O(N) per step.
#include <Eigen/Core>

#include <functional>

namespace sd::systems {

class BorderedTridiagonalRosenbrock4 {
public:
    /// dxdt = f(x) for a state of size N+1 (autonomous; the last entry is usually the time).
    using Rhs = std::function<void(const double* x, double* dxdt)>;
    /// The Jacobian at x, rows 0..N−1 (row N is zero): sub[i] = J(i, i−1) (i ≥ 1; sub[0] unused),
    /// diag[i] = J(i, i), super[i] = J(i, i+1) (i ≤ N−2; super[N−1] unused), last[i] = J(i, N).
    using Jacobian = std::function<void(const double* x, double* sub, double* diag, double* super, double* last)>;

    BorderedTridiagonalRosenbrock4(Eigen::Index N, Rhs rhs, Jacobian jacobian, double atol, double rtol);

    /// As rosenbrock4_dense_output::initialize.
    void initialize(const Eigen::VectorXd& x0, double t0, double dt0);
    /// One accepted step (as rosenbrock4_dense_output::do_step): retries with smaller steps until the error
    /// test passes. Returns false if no step size was found within odeint's 500 tries (step-size failure).
    bool doStep();
    /// The dense-output state at t in [previousTime(), currentTime()].
    void calcState(double t, double* x) const;

    double currentTime() const { return t_; }
    double previousTime() const { return tOld_; }
    const Eigen::VectorXd& currentState() const { return current_ ? x1_ : x2_; }
    /// Row exchanges made by partial pivoting so far (diagnostics; tests use it to cover the pivoting path).
    long long pivotSwaps() const { return pivotSwaps_; }

private:
    /// The stages of one step from x at step dt into xout and err (rosenbrock4::do_step).
    void step(const Eigen::VectorXd& x, Eigen::VectorXd& xout, double dt, Eigen::VectorXd& err);
    /// rosenbrock4_controller::try_step: true on success (t and dt updated), false (dt reduced) otherwise.
    bool tryStep(const Eigen::VectorXd& x, double& t, Eigen::VectorXd& xout, double& dt);
    /// Factorises M = I/(γ·dt) − J in the band storage below.
    void factorise(double dt);
    /// r ← M⁻¹ r with the factorisation.
    void solve(Eigen::VectorXd& r) const;

    Eigen::Index N_;
    Rhs rhs_;
    Jacobian jacobian_;
    double atol_, rtol_;
    // controller state
    bool firstStep_ = true, lastRejected_ = false;
    double errOld_ = 0.0, dtOld_ = 0.0;
    // dense-output state
    Eigen::VectorXd x1_, x2_;
    bool current_ = true;  // x1_ is the current state
    double t_ = 0.0, tOld_ = 0.0, dt_ = 0.0;
    // stage work vectors
    Eigen::VectorXd dxdt_, dxdtNew_, xtmp_, g1_, g2_, g3_, g4_, g5_, cont3_, cont4_, err_;
    // Jacobian and LU of M on the band: d (diagonal of U), u1/u2 (first/second superdiagonals of U), border
    // (column N of U, rows 0..N−1), l (multipliers), swapped (row i and i+1 exchanged at step i), corner = M(N,N).
    Eigen::VectorXd sub_, diag_, super_, last_, d_, u1_, u2_, border_, l_;
    std::vector<char> swapped_;
    double corner_ = 0.0;
    long long pivotSwaps_ = 0;
};

}  // namespace sd::systems
