#pragma once
// n-link damped pendulum, closed form (docs/methods/systems.md §1).
//
// n point masses m_i = 1 at the ends of massless rods of length l_i = 1/n; gravity g (9.81); absolute
// angles q_i from the downward vertical (q = 0 hangs down); state x = (q_1..q_n, u_1..u_n), u = q̇;
// damping torque −b u_i on link i (b = 0.3). With c_ij = n − max(i, j) (0-based):
//   M_ij = c_ij l_i l_j cos(q_i − q_j),
//   F_i  = −Σ_j c_ij l_i l_j sin(q_i − q_j) u_j² − g c_ii l_i sin q_i − b u_i,
//   q̇ = u,  M(q) u̇ = F (solved with Eigen LDLT; M is SPD).
// Energy E = ½ uᵀM(q)u − g Σ_i c_ii l_i cos q_i, with dE/dt = −b Σ u_i².
// For n = 1: u̇ = −g sin q − b u.
#include "core/ode/field.h"

#include <Eigen/Core>
#include <string>
#include <vector>

namespace sd::systems {

class NLinkPendulum {
public:
    /// links ≥ 1 (sd::Error("pendulum: links", …) otherwise).
    explicit NLinkPendulum(int links, double gravity = 9.81, double damping = 0.3);

    int links() const { return n_; }
    Eigen::Index stateDim() const { return 2 * n_; }
    double gravity() const { return g_; }
    double damping() const { return b_; }

    Eigen::MatrixXd massMatrix(const Eigen::VectorXd& q) const;                           ///< M(q), n×n
    Eigen::VectorXd forces(const Eigen::VectorXd& q, const Eigen::VectorXd& u) const;     ///< F(q, u)
    /// ẋ = (u, M⁻¹F) for one state (2n).
    Eigen::VectorXd derivative(const Eigen::VectorXd& x) const;
    /// Ẋ for a batch of states (2n×B, one per column).
    Eigen::MatrixXd derivatives(const Eigen::MatrixXd& X) const;
    double energy(const Eigen::VectorXd& x) const;
    Eigen::VectorXd energies(const Eigen::MatrixXd& X) const;   ///< B energies of a 2n×B batch

    ode::Field field() const;            ///< autonomous: ignores t and u
    ode::BatchField batchField() const;  ///< autonomous batched field (for ode::integrateRk4Batch)

    /// "q1".."qn", "u1".."un".
    std::vector<std::string> stateNames() const;

private:
    int n_;
    double g_, b_;
    Eigen::MatrixXd c_;   ///< c_ij l_i l_j
};

}  // namespace sd::systems
