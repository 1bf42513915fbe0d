#pragma once
// Right-hand sides accepted by the integrators of core/ode.
#include <Eigen/Core>
#include <functional>

namespace sd::ode {

/// ẋ = f(t, x, u): one state x (nx) and the input value u = u(t) (nu, empty for autonomous systems).
/// Must return an nx-vector. It may return non-finite values (the divergence guard catches them).
using Field = std::function<Eigen::VectorXd(double t, const Eigen::VectorXd& x, const Eigen::VectorXd& u)>;

/// Ẋ = F(t, X, U) for a batch of states: X is nx×B (one state per COLUMN), U is nu×B (column b is the
/// input of state b; nu = 0 for autonomous systems). Must return an nx×B matrix whose column b depends
/// only on column b of X and U (a learned model evaluated on the whole batch in one call).
using BatchField = std::function<Eigen::MatrixXd(double t, const Eigen::MatrixXd& X, const Eigen::MatrixXd& U)>;

}  // namespace sd::ode
