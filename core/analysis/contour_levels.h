#pragma once
// sd::analysis::geometricLevels — contour levels for fields that span decades (Lyapunov functions V):
// c_k = Vmax·2^{−k} (docs/methods/studio-views.md §3.2).
#include <Eigen/Core>
#include <vector>

namespace sd::analysis {

/// The `count` levels vmax·2^{−k} for k = count, …, 2, 1, in increasing order (vmax itself, whose level
/// set is a single point at the maximum, is not included). count = 0 gives no levels.
/// Throws sd::Error("geometricLevels: ...") unless vmax is finite and > 0 and count ≥ 0.
std::vector<double> geometricLevels(double vmax, int count);

/// The largest finite value of `V`, or NaN when it has none. Use it as vmax for a sampled field.
double finiteMax(const Eigen::MatrixXd& V);

}  // namespace sd::analysis
