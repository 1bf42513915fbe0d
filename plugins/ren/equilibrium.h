#pragma once
// The REN equilibrium layer w = σ(D₁₁w + b) (docs/methods/ren.md §5), batched over columns, as custom autodiff nodes
// whose backward pass is the implicit-function-theorem adjoint — never backpropagation through solver
// iterations:
//   J = diag σ'(D₁₁w + b),  g = (I − J D₁₁)⁻ᵀ w̄,  b̄ = J g,  D̄₁₁ = (J g) wᵀ (summed over columns).
// First order only (create_graph = true throws).
#include "core/autodiff/var.h"
#include "plugins/ren/ren_config.h"

#include <Eigen/LU>
#include <memory>

namespace sd::ren {

/// Exact forward solve for strictly lower-triangular D₁₁ (only that triangle is read): row i,
/// w_i = σ(Σ_{j<i} D₁₁,ij w_j + b_i), for every column of b (nv×B). The accumulator starts at zero.
Eigen::MatrixXd solveAcyclicEquilibrium(const Eigen::MatrixXd& D11, const Eigen::MatrixXd& b, RenActivation act);

/// Peaceman–Rachford splitting for a dense D₁₁ (docs/methods/ren.md §5.2), built once per explicit model:
/// V = (1+α)I − αD₁₁ is LU-factorised in the constructor and reused for every solve.
class PeacemanRachford {
public:
    /// Throws sd::Error if V is singular or if a non-ReLU activation is combined with α ≠ 1 (the
    /// splitting's fixed point is the equilibrium for every α only when σ is a projection, i.e. ReLU).
    PeacemanRachford(const Eigen::MatrixXd& D11, RenActivation act, double alpha, double tol, int maxIter);

    struct Result {
        Eigen::MatrixXd w;
        int iterations = 0;
        bool converged = false;   ///< max column change < tol before maxIter, and finite
    };
    /// Solves w = σ(D₁₁w + b) for every column of b, from u⁰ = z⁰ = 0.
    Result solve(const Eigen::MatrixXd& b) const;
    const Eigen::MatrixXd& D11() const { return D11_; }
    RenActivation activation() const { return act_; }

private:
    Eigen::MatrixXd D11_;
    RenActivation act_;
    double alpha_, tol_;
    int maxIter_;
    Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

/// Counts of splitting solves that did not converge (shared by all nodes of one explicit model).
struct EquilibriumStats {
    long long solves = 0;
    long long failures = 0;      ///< solves that hit maxIter or produced non-finite values
    int maxIterations = 0;
};

/// w (nv×B) for strictly lower-triangular D₁₁ (nv×nv) and b (nv×B): one node, IFT backward by one
/// back-substitution with the unit upper-triangular (I − JD₁₁)ᵀ per column; only the strictly lower
/// triangle of D₁₁ receives gradient.
ad::Var acyclicEquilibrium(const ad::Var& D11, const ad::Var& b, RenActivation act);

/// w for a dense D₁₁ through `solver` (whose D₁₁ must equal D11's value): one node, IFT backward by a
/// dense LU solve of (I − JD₁₁)ᵀ per column. Non-convergence is counted in `stats` (may be null).
ad::Var fullEquilibrium(const ad::Var& D11, const ad::Var& b, std::shared_ptr<const PeacemanRachford> solver,
                        std::shared_ptr<EquilibriumStats> stats);

}  // namespace sd::ren
