#include "core/analysis/decimation.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace sd::analysis {

std::vector<std::size_t> decimateMinMaxIndices(std::span<const double> x, std::span<const double> y, double xMin,
                                               double xMax, int pixelColumns) {
    const std::string where = "decimateMinMax";
    if (x.size() != y.size())
        throw Error(where, "x and y must have the same size, got " + std::to_string(x.size()) + " and " +
                               std::to_string(y.size()));
    if (pixelColumns < 1) throw Error(where, "pixelColumns must be ≥ 1, got " + std::to_string(pixelColumns));
    if (!std::isfinite(xMin) || !std::isfinite(xMax) || !(xMin < xMax))
        throw Error(where, "the view must satisfy xMin < xMax (finite), got [" + std::to_string(xMin) + ", " +
                               std::to_string(xMax) + "]");

    const double perColumn = static_cast<double>(pixelColumns) / (xMax - xMin);
    auto columnOf = [&](double xv) -> std::int64_t {
        if (xv < xMin) return -1;
        if (xv > xMax) return pixelColumns + 1;
        return std::min<std::int64_t>(static_cast<std::int64_t>(std::floor((xv - xMin) * perColumn)),
                                      pixelColumns - 1);  // xMax itself belongs to the last column
    };

    std::vector<std::size_t> kept;
    kept.reserve(std::min<std::size_t>(x.size(), 4 * static_cast<std::size_t>(pixelColumns) + 8));
    std::size_t runFirst = 0, runMin = 0, runMax = 0, runLast = 0;
    bool inRun = false;
    std::int64_t runColumn = 0;
    auto flush = [&] {
        if (!inRun) return;
        std::size_t idx[4] = {runFirst, runMin, runMax, runLast};
        std::sort(idx, idx + 4);
        for (const std::size_t k : idx)
            if (kept.empty() || kept.back() != k) kept.push_back(k);
        inRun = false;
    };

    for (std::size_t k = 0; k < x.size(); ++k) {
        if (!std::isfinite(x[k]) || !std::isfinite(y[k])) {
            flush();
            kept.push_back(k);
            continue;
        }
        const std::int64_t column = columnOf(x[k]);
        if (inRun && column == runColumn) {
            if (y[k] < y[runMin]) runMin = k;
            if (y[k] > y[runMax]) runMax = k;
            runLast = k;
            continue;
        }
        flush();
        inRun = true;
        runColumn = column;
        runFirst = runMin = runMax = runLast = k;
    }
    flush();
    return kept;
}

DecimatedCurve decimateMinMax(std::span<const double> x, std::span<const double> y, double xMin, double xMax,
                              int pixelColumns) {
    const auto kept = decimateMinMaxIndices(x, y, xMin, xMax, pixelColumns);
    DecimatedCurve out;
    out.x.reserve(kept.size());
    out.y.reserve(kept.size());
    for (const std::size_t k : kept) {
        out.x.push_back(x[k]);
        out.y.push_back(y[k]);
    }
    return out;
}

}  // namespace sd::analysis
