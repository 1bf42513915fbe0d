#pragma once
// sd::analysis min/max decimation — thins a long curve to at most four points per pixel column (the
// first, minimum, maximum and last point of each run of consecutive points in one column, "M4"), so
// that a line plot of the result is drawn with the same pixels as the full curve (docs/methods/studio-views.md
// §5.1). Use it for QCPCurve trajectories and very long loss curves; recompute on rangeChanged.
#include <cstddef>
#include <span>
#include <vector>

namespace sd::analysis {

/// Indices (increasing) of the points to keep. The view [xMin, xMax] is split into `pixelColumns`
/// equal columns; points left of xMin share one extra column, points right of xMax another. Each run
/// of consecutive points that fall into the same column keeps its first, last, minimum-y and
/// maximum-y points (first occurrence on ties). Points with a non-finite x or y are always kept
/// (they are line breaks) and end the current run. For x sorted ascending, runs are columns.
/// Throws sd::Error("decimateMinMax: ...") for x and y of different sizes, pixelColumns < 1, or a
/// view that is not finite with xMin < xMax.
std::vector<std::size_t> decimateMinMaxIndices(std::span<const double> x, std::span<const double> y, double xMin,
                                               double xMax, int pixelColumns);

/// The kept points themselves (see decimateMinMaxIndices).
struct DecimatedCurve {
    std::vector<double> x, y;
};
DecimatedCurve decimateMinMax(std::span<const double> x, std::span<const double> y, double xMin, double xMax,
                              int pixelColumns);

}  // namespace sd::analysis
