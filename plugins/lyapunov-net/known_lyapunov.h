#pragma once
// KnownLyapunov — a Lyapunov function V given by the user instead of learned (docs/methods/lyapunov-net.md §8,
// the reference's "known V" experiment). No trainable parameters; value and exact gradient in closed form:
//
//   quadratic        V(x) = xᵀPx, P symmetric positive definite (n×n): λmin‖x‖² ≤ V ≤ λmax‖x‖², ∇V = 2Px.
//   pendulum_energy  x = (q₁…q_L, u₁…u_L), n = 2L: the mechanical energy of the L-link pendulum of
//                    docs/methods/systems.md §1 (unit masses, rods 1/L, g = 9.81) scaled and shifted as the
//                    reference does, V = L·(E(x) − E(0)) = L·[½uᵀM(q)u + g Σᵢ cᵢᵢ l (1 − cos qᵢ)],
//                    M_ij = c_ij l² cos(qᵢ − q_j), c_ij = L − max(i, j) (0-based), l = 1/L.
//                    ∂V/∂u = L·M u;  ∂V/∂q_k = L·[−u_k Σ_j c_kj l² sin(q_k − q_j) u_j + g c_kk l sin q_k].
//                    Positive semidefinite only: V = 0 at q ∈ 2πℤᴸ, u = 0, and ∇V = 0 at every hanging
//                    configuration q ∈ πℤᴸ, u = 0; the smallest V at such a point other than the zeros is
//                    criticalLevel() = 2g (the last link upright).
#include <Eigen/Core>
#include <string>

namespace sd::lyapnet {

class KnownLyapunov {
public:
    enum class Kind { Quadratic, PendulumEnergy };

    /// V = xᵀPx. Throws sd::Error("lyapunov-net: known_v_P", …) unless P is square, finite, symmetric (to
    /// 1e-12 relative) and positive definite.
    static KnownLyapunov quadratic(const Eigen::MatrixXd& P);
    /// The pendulum energy for a state of dimension n = 2L. Throws sd::Error for odd or zero n.
    static KnownLyapunov pendulumEnergy(Eigen::Index n, double gravity = 9.81);

    Kind kind() const { return kind_; }
    std::string name() const { return kind_ == Kind::Quadratic ? "quadratic" : "pendulum_energy"; }
    Eigen::Index stateDim() const { return n_; }
    const Eigen::MatrixXd& P() const { return P_; }

    /// V at the columns of X (n×B); ∇V (n×B) into *gradient when non-null. Throws for a wrong row count.
    Eigen::RowVectorXd evaluate(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient = nullptr) const;

    /// c with V(x) ≥ c‖x‖² for every x: λmin(P) (quadratic); 0 for the pendulum energy (not positive
    /// definite globally).
    double quadraticLowerBound() const { return lowerBound_; }
    /// λmax(P) (quadratic); +∞ for the pendulum energy.
    double quadraticUpperBound() const { return upperBound_; }
    /// Pendulum energy: the smallest value of V at a critical point x ≠ 0 with V > 0 (2g); the sublevel set
    /// {V < criticalLevel()} around 0 is where V is a strict Lyapunov function. +∞ for quadratic V.
    double criticalLevel() const { return criticalLevel_; }

private:
    KnownLyapunov() = default;

    Kind kind_ = Kind::Quadratic;
    Eigen::Index n_ = 0;
    Eigen::MatrixXd P_;          ///< quadratic
    Eigen::MatrixXd c_;          ///< pendulum: c_ij l² (L×L)
    Eigen::VectorXd potential_;  ///< pendulum: g c_ii l (L)
    double scale_ = 1.0;         ///< pendulum: L
    double lowerBound_ = 0.0, upperBound_ = 0.0, criticalLevel_ = 0.0;
};

}  // namespace sd::lyapnet
