#include "core/analysis/certified_sublevel_set.h"

#include "core/analysis/grid_checks.h"
#include "core/common/error.h"

#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace sd::analysis {

CertifiedSublevelSet largestCertifiedSublevelSet(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                                 const Eigen::MatrixXd& V,
                                                 const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& conditionHolds) {
    const std::string where = "largestCertifiedSublevelSet";
    requireStrictlyIncreasing(where + ": x", x);
    requireStrictlyIncreasing(where + ": y", y);
    requireGridShape(where, "V", V, x.size(), y.size());
    if (conditionHolds.rows() != V.rows() || conditionHolds.cols() != V.cols())
        throw Error(where, "conditionHolds must have the shape of V (" + std::to_string(V.rows()) + "×" +
                               std::to_string(V.cols()) + "), got " + std::to_string(conditionHolds.rows()) + "×" +
                               std::to_string(conditionHolds.cols()));
    const Eigen::Index ny = V.rows(), nx = V.cols();

    // The minimum of V (first in column-major order on ties).
    Eigen::Index start = -1;
    for (Eigen::Index k = 0; k < V.size(); ++k)
        if (std::isfinite(V.data()[k]) && (start < 0 || V.data()[k] < V.data()[start])) start = k;
    if (start < 0) throw Error(where, "V has no finite value");

    CertifiedSublevelSet out;
    out.region = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>::Constant(ny, nx, false);
    const auto rowOf = [ny](Eigen::Index k) { return k % ny; };  // column-major linear index
    const auto colOf = [ny](Eigen::Index k) { return k / ny; };
    out.minimumX = x[colOf(start)];
    out.minimumY = y[rowOf(start)];

    const auto isBorder = [&](Eigen::Index k) {
        const Eigen::Index j = rowOf(k), i = colOf(k);
        return i == 0 || j == 0 || i == nx - 1 || j == ny - 1;
    };
    const auto isBad = [&](Eigen::Index k) {
        return isBorder(k) || !conditionHolds(rowOf(k), colOf(k)) || !std::isfinite(V.data()[k]);
    };

    // Priority flood: pop nodes in order of their minimax path value from the minimum.
    using Entry = std::pair<double, Eigen::Index>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    std::vector<bool> visited(static_cast<std::size_t>(V.size()), false);
    std::vector<Entry> popped;  // (minimax value, node) of good nodes, in pop order
    heap.push({V.data()[start], start});

    const double nan = std::numeric_limits<double>::quiet_NaN();
    double runningMax = -std::numeric_limits<double>::infinity();
    double previousMax = nan;  // the running maximum before it last increased
    while (!heap.empty()) {
        const auto [key, k] = heap.top();
        heap.pop();
        if (visited[static_cast<std::size_t>(k)]) continue;
        visited[static_cast<std::size_t>(k)] = true;
        const double level = std::max(runningMax, key);
        if (isBad(k)) {
            out.blockingLevel = level;
            out.limit = isBorder(k) && conditionHolds(rowOf(k), colOf(k)) && std::isfinite(V.data()[k])
                            ? SublevelLimit::Boundary
                            : SublevelLimit::ConditionFails;
            out.blockingX = x[colOf(k)];
            out.blockingY = y[rowOf(k)];
            // The component at c = level already holds this node; the certified one is the previous level.
            const double certified = (level > runningMax) ? runningMax : previousMax;
            if (popped.empty() || !std::isfinite(certified)) {
                out.found = false;
                out.level = nan;
                if (popped.empty()) out.limit = isBorder(k) && conditionHolds(rowOf(k), colOf(k))
                                                    ? SublevelLimit::Boundary
                                                    : SublevelLimit::ConditionFails;
                return out;
            }
            out.found = true;
            out.level = certified;
            for (const auto& [m, node] : popped)
                if (m <= certified) out.region(rowOf(node), colOf(node)) = true;
            return out;
        }
        if (level > runningMax) {
            previousMax = runningMax;
            runningMax = level;
        }
        popped.push_back({level, k});
        const Eigen::Index j = rowOf(k), i = colOf(k);
        const Eigen::Index neighbours[4][2] = {{j, i - 1}, {j, i + 1}, {j - 1, i}, {j + 1, i}};
        for (const auto& nb : neighbours) {
            if (nb[0] < 0 || nb[0] >= ny || nb[1] < 0 || nb[1] >= nx) continue;
            const Eigen::Index kn = nb[1] * ny + nb[0];
            if (visited[static_cast<std::size_t>(kn)]) continue;
            const double v = V.data()[kn];
            // An unknown (non-finite) value may be anything: it blocks as soon as a neighbour joins.
            heap.push({std::isfinite(v) ? std::max(level, v) : level, kn});
        }
    }
    // Unreachable for grids of at least 2×2 (the border is always met), kept for safety.
    out.found = !popped.empty();
    out.level = out.found ? runningMax : nan;
    for (const auto& [m, node] : popped) out.region(rowOf(node), colOf(node)) = true;
    return out;
}

}  // namespace sd::analysis
