#include "core/analysis/polyline.h"

#include <limits>

namespace sd::analysis {

Polyline nanSeparated(const std::vector<Polyline>& lines) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    Polyline out;
    std::size_t total = 0;
    for (const auto& line : lines) total += line.size() + 2;
    out.x.reserve(total);
    out.y.reserve(total);
    for (const auto& line : lines) {
        if (line.empty()) continue;
        out.x.insert(out.x.end(), line.x.begin(), line.x.end());
        out.y.insert(out.y.end(), line.y.begin(), line.y.end());
        if (line.closed) out.append(line.x.front(), line.y.front());
        out.append(nan, nan);
    }
    return out;
}

}  // namespace sd::analysis
