#pragma once
// Training losses of stable-OpInf (docs/methods/stable-opinf.md §7), as autodiff graphs of the operators.
//
//  * Derivative loss  ℓ = 1/(n·K) ‖Ż − A X − H (X⊙X) − B U − c 1ᵀ‖²_F. It is evaluated from sufficient
//    statistics: with the regressor d = [x; x⊗x; u; 1] (parts present in the structure) and O = [A H B c],
//    ‖Z − O D‖² = zz − 2⟨O, Pᵀ⟩ + ⟨O G, O⟩ with G = Σ d dᵀ, P = Σ d zᵀ, zz = Σ‖z‖². One step then costs
//    O(n·d²) whatever the number of samples, and a minibatch of trajectories is the sum of their
//    statistics. derivativeLossDirect() evaluates the same loss sample by sample (tests, reference).
//  * RK4 one-step loss  ℓ = mean_j ‖RK4_{Δt_j}(x_j) − x_{j+1}‖² / (n·Δt_j), stage inputs u(t_j),
//    (u(t_j) + u(t_{j+1}))/2, u(t_{j+1}) (linear interpolation, as in prediction).
//  * L1 penalty  λ_H · mean|H| over the n·n² entries of the constructed H (subgradient 0 at 0).
#include "plugins/stable-opinf/stable_parameterisation.h"

#include <Eigen/Core>
#include <vector>

namespace sd::opinf {

/// One trajectory in reduced coordinates.
struct ReducedTrajectory {
    Eigen::VectorXd t;      ///< K sample times (empty for an unordered pair set)
    Eigen::MatrixXd X;      ///< n×K states
    Eigen::MatrixXd U;      ///< m×K inputs (0×K without inputs)
    Eigen::MatrixXd Z;      ///< n×K derivatives (may be empty when only the RK4 loss is used)
};

/// Sufficient statistics of the derivative loss.
struct DerivativeGram {
    Eigen::MatrixXd G;      ///< d×d
    Eigen::MatrixXd P;      ///< d×n
    double zz = 0.0;
    Eigen::Index count = 0; ///< samples

    /// Statistics of one trajectory (needs Z). Throws sd::Error on size mismatches or non-finite data.
    static DerivativeGram of(const ReducedTrajectory& tr, const StableStructure& structure);
    /// Sum of statistics (an empty Gram adopts the other's shape).
    void add(const DerivativeGram& other);
};

/// The derivative loss from statistics.
ad::Var derivativeLoss(const OperatorVars& ops, const DerivativeGram& gram);
/// The same loss evaluated on the samples of one trajectory.
ad::Var derivativeLossDirect(const OperatorVars& ops, const ReducedTrajectory& tr);

/// Consecutive sample pairs of trajectories, concatenated as columns.
struct Rk4Pairs {
    Eigen::MatrixXd X0, X1;           ///< n×P states at t_j and t_{j+1}
    Eigen::MatrixXd U0, Umid, U1;     ///< m×P inputs at the RK4 stage times
    Eigen::RowVectorXd dt;            ///< 1×P steps t_{j+1} − t_j

    /// Pairs of one trajectory (needs t with ≥ 2 samples; sd::Error otherwise).
    static Rk4Pairs of(const ReducedTrajectory& tr);
    void append(const Rk4Pairs& other);
    Eigen::Index size() const { return X0.cols(); }
};

/// ẋ = A X + H (X⊙X) + B U + c as a graph, for a batch of states X (n×P) and inputs U (m×P).
ad::Var quadraticField(const OperatorVars& ops, const ad::Var& X, const ad::Var& U);
/// The RK4 one-step loss as ONE graph node (stable_losses_rk4.cpp): the four stages in the symmetric
/// n(n+1)/2 form of the quadratic term (H̃ = compressQuadratic(H), so ẋ = [A H̃ B c]·[x; x⊘x; u; 1] is one
/// product per stage), with a hand-written reverse sweep through the stages. Same value and gradients as
/// rk4OneStepLossComposite() up to rounding (tested); second order goes through the composite graph.
ad::Var rk4OneStepLoss(const OperatorVars& ops, const Rk4Pairs& pairs);
/// The same loss composed from elementary ops in the full Kronecker form (the reference for tests, and the
/// differentiable adjoint of the fused node).
ad::Var rk4OneStepLossComposite(const OperatorVars& ops, const Rk4Pairs& pairs);
/// λ · mean|H| (a constant 0 without H or for λ = 0).
ad::Var l1Penalty(const OperatorVars& ops, double lambda);

}  // namespace sd::opinf
