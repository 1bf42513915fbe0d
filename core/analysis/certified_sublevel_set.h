#pragma once
// sd::analysis::largestCertifiedSublevelSet — the largest sublevel set {V ≤ c} of a sampled Lyapunov
// candidate that the grid can certify (docs/methods/studio-views.md §3.3).
//
// On the grid nodes, the component of {V ≤ c} that contains the minimum of V grows with c. It is
// certified while it (a) contains no grid-border node — so the region stays inside the plotted box —
// and (b) contains no node where the condition (e.g. the decrease condition V̇ < 0) fails, nor a node
// with non-finite V. The answer is the largest such c among the grid values. Computed by a priority
// flood from the minimum (nodes taken in order of their minimax path value), O(N log N), 4-connectivity.
//
// Note for decrease conditions: V̇ = 0 at the equilibrium itself, so a strict test fails there; mark
// the equilibrium node (and, if wanted, a small ball around it) as holding before calling.
#include <Eigen/Core>

namespace sd::analysis {

/// Why the certified set stops growing.
enum class SublevelLimit {
    None,            ///< not found: see `found`
    Boundary,        ///< the next larger sublevel set would touch the border of the box
    ConditionFails,  ///< ... would contain a node where the condition fails (or V is not finite)
};

struct CertifiedSublevelSet {
    /// false when the minimum node itself fails the condition or lies on the border (then `level`
    /// is NaN and `region` is all false).
    bool found = false;
    /// The largest certified c: a grid value of V. The set of nodes is the same for every
    /// c in [level, blockingLevel), so a contour drawn at `level` is the certified boundary.
    double level = 0.0;
    /// The smallest c at which the component would contain the blocking node.
    double blockingLevel = 0.0;
    SublevelLimit limit = SublevelLimit::None;
    /// Position (data units) of the node that blocks further growth (border or failing node).
    double blockingX = 0.0, blockingY = 0.0;
    /// Position (data units) of the minimum of V where the flood starts.
    double minimumX = 0.0, minimumY = 0.0;
    /// ny × nx: true for the nodes of the certified component.
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> region;
};

/// The largest certified sublevel set of V on the grid x (nx strictly increasing values) × y (ny).
/// V and conditionHolds are ny × nx with V(j, i) at (x[i], y[j]) (rows follow y, columns follow x);
/// conditionHolds(j, i) is true where the condition holds. The flood starts at the smallest finite
/// V (first in column-major order on ties).
/// Throws sd::Error("largestCertifiedSublevelSet: ...") for mismatched shapes, a non-increasing axis
/// (or fewer than 2 values), or a V with no finite value.
CertifiedSublevelSet largestCertifiedSublevelSet(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                                 const Eigen::MatrixXd& V,
                                                 const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& conditionHolds);

}  // namespace sd::analysis
