#pragma once
// Controlled viscous Burgers equation, our stand-in for the control paper's example (docs/methods/systems.md §4):
//   v_t + v v_x = ν v_xx + b(x) u(t) on (0, 1), v(0,t) = v(1,t) = 0, v(x,0) = 0.
// Discretisation: N interior nodes (default 250), h = 1/(N+1), x_i = i h (i = 1..N);
//   diffusion ν L v with L = tridiag(1, −2, 1)/h² (Dirichlet);
//   convection in skew-symmetric central form with v_0 = v_{N+1} = 0:
//     N_i(v) = −⅓ [ (v_{i+1}² − v_{i−1}²)/(2h) + v_i (v_{i+1} − v_{i−1})/(2h) ],  so vᵀN(v) = 0 exactly;
//   source b(x) = exp(−(x − 0.25)²/(2·0.05²)).
// FOM: v̇ = ν L v + N(v) + b u — a quadratic system with A = νL, H(v⊗v) = N(v), B = b, c = 0, of the certified
// class with J = 0, R = −νL ≻ 0, σ_min(R) = ν (4/h²) sin²(πh/2).
#include "core/ode/divergence_guard.h"
#include "core/ode/field.h"
#include "core/ode/input_signal.h"
#include "core/ode/solution.h"
#include "core/systems/quadratic_system.h"

#include <Eigen/Core>

namespace sd::systems {

struct BurgersParams {
    Eigen::Index nodes = 250;      ///< interior nodes N ≥ 3
    double viscosity = 0.02;       ///< ν > 0
    double sourceCenter = 0.25;
    double sourceWidth = 0.05;
};

struct BurgersSolverOptions {
    double rtol = 1e-8;
    double atol = 1e-10;
    double initialStep = 1e-4;
    ode::GuardOptions guard;
    /// false (default): rosenbrock4 on the banded Jacobian, O(N) per step (burgers_rosenbrock.h). true: Boost.Odeint's
    /// rosenbrock4 with a dense (N+1)² LU per step, O(N³) — the same method and steps, kept as the reference the
    /// banded solver is tested and benchmarked against.
    bool denseJacobian = false;
};

class ControlledBurgers {
public:
    /// Throws sd::Error("burgers: nodes" / "burgers: viscosity", …) for invalid parameters.
    explicit ControlledBurgers(const BurgersParams& params = {});

    const BurgersParams& params() const { return p_; }
    Eigen::Index nodes() const { return p_.nodes; }
    double spacing() const { return h_; }                   ///< h = 1/(N+1)
    Eigen::VectorXd grid() const;                           ///< x_i = i h, i = 1..N
    const Eigen::VectorXd& source() const { return b_; }    ///< b(x_i)

    Eigen::VectorXd convection(const Eigen::VectorXd& v) const;      ///< N(v)
    Eigen::VectorXd rhs(const Eigen::VectorXd& v, double u) const;   ///< νLv + N(v) + b u
    Eigen::MatrixXd rhsBatch(const Eigen::MatrixXd& V, const Eigen::RowVectorXd& U) const;
    Eigen::MatrixXd laplacian() const;                               ///< L (dense N×N)
    Eigen::MatrixXd jacobian(const Eigen::VectorXd& v) const;        ///< νL + ∂N/∂v (dense, tridiagonal)
    double sigmaMinR() const;                                        ///< σ_min(−νL) = ν (4/h²) sin²(πh/2)

    /// The FOM as a QuadraticSystem with a dense H (N×N²); for tests and small N only:
    /// throws sd::Error("burgers: nodes", …) when N > 120.
    QuadraticSystem asQuadraticSystem() const;
    ode::Field field() const;   ///< f(t, v, u) = rhs(v, u[0])

    /// Reference solution at `times` (times[0] is the start, v(times[0]) = v0, default 0): Boost.Odeint's
    /// rosenbrock4 method (dense output, controller with the given rtol/atol) with the analytic Jacobian, on the
    /// autonomous extension [v; τ] (τ̇ = 1; ∂f/∂τ = b u̇ with u̇ by central differences). That Jacobian is
    /// tridiagonal plus the column ∂f/∂τ, so each step solves its linear systems in O(N) (options.denseJacobian
    /// selects odeint's own dense implementation instead). Divergence guard
    /// and max steps as in core/ode (never throws for a diverging run; outputs after a stop are NaN). u must have dimension 1 (sd::Error otherwise).
    ode::Solution simulate(const ode::InputSignal& u, const Eigen::VectorXd& times,
                           const BurgersSolverOptions& options = {}, const Eigen::VectorXd& v0 = {}) const;

    /// Raw kernels on contiguous arrays of length N (used by the solver; out must not alias v).
    void convectionInto(const double* v, double* out) const;
    void rhsInto(const double* v, double u, double* out) const;

private:
    BurgersParams p_;
    double h_;
    Eigen::VectorXd b_;
};

}  // namespace sd::systems
