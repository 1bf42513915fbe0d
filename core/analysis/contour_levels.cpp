#include "core/analysis/contour_levels.h"

#include "core/common/error.h"

#include <cmath>
#include <limits>
#include <string>

namespace sd::analysis {

std::vector<double> geometricLevels(double vmax, int count) {
    if (!std::isfinite(vmax) || !(vmax > 0.0))
        throw Error("geometricLevels", "vmax must be finite and > 0, got " + std::to_string(vmax));
    if (count < 0) throw Error("geometricLevels", "count must be ≥ 0, got " + std::to_string(count));
    std::vector<double> levels;
    levels.reserve(static_cast<std::size_t>(count));
    for (int k = count; k >= 1; --k) levels.push_back(std::ldexp(vmax, -k));
    return levels;
}

double finiteMax(const Eigen::MatrixXd& V) {
    double m = -std::numeric_limits<double>::infinity();
    bool any = false;
    for (Eigen::Index k = 0; k < V.size(); ++k) {
        const double v = V.data()[k];
        if (std::isfinite(v)) {
            m = any ? std::max(m, v) : v;
            any = true;
        }
    }
    return any ? m : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace sd::analysis
