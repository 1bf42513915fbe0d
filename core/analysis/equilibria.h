#pragma once
// sd::analysis equilibria — fixed points f(x*) = 0 of a batched vector field, as a phase-plane tool finds
// them (pplane's "find equilibrium"): Newton's method from a start point with a central-difference
// Jacobian and backtracking, start points from a grid (cells where both plotted components change sign),
// and the type of each equilibrium from the eigenvalues of its Jacobian.
//
// The field is batched (n × B states → n × B velocities, one column per state), so a Jacobian costs ONE
// call with 2n columns. Everything is in full state coordinates; a plane slice only provides the seeds.
#include "core/analysis/plane_grid.h"

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

namespace sd::analysis {

/// x ↦ f(x), batched over columns (n × B → n × B).
using BatchedField = std::function<Eigen::MatrixXd(const Eigen::MatrixXd&)>;

/// The linear type of an equilibrium of a continuous-time system, from the eigenvalues λ of its Jacobian.
enum class EquilibriumType {
    StableNode,       ///< every Re λ < 0, all real
    StableFocus,      ///< every Re λ < 0, some complex (trajectories spiral in)
    UnstableNode,     ///< every Re λ > 0, all real
    UnstableFocus,    ///< every Re λ > 0, some complex
    Saddle,           ///< Re λ of both signs
    Centre,           ///< every Re λ ≈ 0 and some complex (linearly neutral)
    NonHyperbolic,    ///< some Re λ ≈ 0 otherwise (linearisation does not decide)
};

/// "stable node", "saddle", …
std::string toString(EquilibriumType type);
/// True for StableNode and StableFocus.
bool isStable(EquilibriumType type);

struct NewtonOptions {
    int maxIterations = 60;
    /// Converged when ‖f(x)‖∞ ≤ tolerance.
    double tolerance = 1e-9;
    /// Central-difference step per component: relativeStep · max(1, |x_k|).
    double relativeStep = 1e-6;
    /// Largest Newton step (∞-norm, state units); 0 = unlimited. Keeps a bad Jacobian from throwing the
    /// iterate out of the region of interest.
    double maxStep = 0.0;
};

struct Equilibrium {
    bool converged = false;
    Eigen::VectorXd x;          ///< the last iterate (the equilibrium when converged)
    double residual = 0.0;      ///< ‖f(x)‖∞
    int iterations = 0;
    Eigen::MatrixXd jacobian;   ///< ∂f/∂x at x (central differences)
    Eigen::VectorXcd eigenvalues;
    EquilibriumType type = EquilibriumType::NonHyperbolic;
    /// Not found by Newton: x = 0 of a model whose Lyapunov function V (V(0) = 0, V̇ ≤ −αV, α > 0) makes it
    /// globally asymptotically stable. Such a field need not be smooth (not even zero) at x = 0 — the
    /// projected lyapunov-net field is discontinuous there — so jacobian and eigenvalues are empty and
    /// `residual` is ‖f(0)‖∞ as evaluated.
    bool byLyapunov = false;
};

/// ∂f/∂x at x by central differences (one batched call of f with 2n columns).
/// Throws sd::Error("jacobianFD: ...") when f returns the wrong shape.
Eigen::MatrixXd jacobianFD(const BatchedField& f, const Eigen::VectorXd& x, double relativeStep = 1e-6);

/// The type of an equilibrium with Jacobian eigenvalues `eigenvalues` (continuous time). A real part
/// counts as zero when |Re λ| ≤ zeroTolerance · max(1, max|λ|).
EquilibriumType classifyEquilibrium(const Eigen::VectorXcd& eigenvalues, double zeroTolerance = 1e-7);

/// Newton's method from x0: x ← x − J⁻¹f(x) (least-squares solve, so a singular J still gives a step),
/// halving the step while ‖f‖ does not decrease (at most 20 times). Non-finite values end the search
/// (converged = false). The result always carries the Jacobian, its eigenvalues and the type at the last
/// iterate. Throws sd::Error("newtonEquilibrium: ...") for an empty x0 or a field of the wrong shape.
Equilibrium newtonEquilibrium(const BatchedField& f, const Eigen::VectorXd& x0, const NewtonOptions& options = {});

/// Start points for Newton on a plane grid: the centres (in full state coordinates, the other components
/// as in grid.points) of the cells where both plotted components of the field change sign (or vanish) at
/// the cell's corners, at most maxSeeds of them (the ones with the smallest mean ‖f‖ first).
/// U and V are ny × nx (grid layout, plane_grid.h): the dimX and dimY components of f on the grid.
/// Throws sd::Error("equilibriumSeeds: ...") for grids of the wrong shape.
std::vector<Eigen::VectorXd> equilibriumSeeds(const PlaneGrid& grid, const Eigen::MatrixXd& U, const Eigen::MatrixXd& V,
                                              int maxSeeds = 32);

/// Newton from every seed; converged results only, without duplicates (two equilibria closer than
/// mergeDistance in the ∞-norm are one), in the order first found.
std::vector<Equilibrium> findEquilibria(const BatchedField& f, const std::vector<Eigen::VectorXd>& seeds,
                                        const NewtonOptions& options = {}, double mergeDistance = 1e-6);

}  // namespace sd::analysis
