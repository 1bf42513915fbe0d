#pragma once
// sd::analysis::PlotModel — a figure as plain data: axes (linear or log, optional named ticks), line /
// scatter series with error bars and point labels (left or right value axis), an optional heat map with
// masked cells and a colour scale, text marks, and an empty-state message. One description, several
// renderers: the SVG writer (svg_plot.h) for reports and CLI studies, and the studio's Sweep tab
// (QCustomPlot), so a report's plot and the tab show the same thing.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sd::analysis {

struct PlotAxis {
    std::string label;
    bool log = false;
    /// Named ticks at given positions (categorical axes, heat-map rows/columns); empty = automatic ticks.
    std::vector<std::pair<double, std::string>> ticks;
    double min = std::numeric_limits<double>::quiet_NaN();   ///< NaN = from the data
    double max = std::numeric_limits<double>::quiet_NaN();
};

enum class MarkerShape { None, Disc, Circle, Cross, Triangle, Square };

struct PlotSeries {
    std::string label;
    std::vector<double> x, y;
    std::vector<double> yError;            ///< ± half-width per point (empty = none; NaN = none for that point)
    std::vector<double> xError;            ///< ± half-width along x per point (same convention)
    std::vector<std::string> pointLabels;  ///< text beside each point (empty = none)
    std::string color = "#1f77b4";
    bool line = true;
    bool dashed = false;
    MarkerShape marker = MarkerShape::Disc;
    bool rightAxis = false;                ///< plotted against y2

    /// Clears xError / yError when none of their entries is finite (e.g. one seed: no spread to draw), so a
    /// renderer draws no bars at all rather than a column of absent ones.
    void dropAbsentErrorBars() {
        const auto noneFinite = [](const std::vector<double>& e) { return std::none_of(e.begin(), e.end(), [](double v) { return std::isfinite(v); }); };
        if (noneFinite(xError)) xError.clear();
        if (noneFinite(yError)) yError.clear();
    }
};

/// A grid of nx × ny cells at integer positions (0…nx−1, 0…ny−1); value NaN = masked (grey, "×" + reason).
struct HeatMap {
    int nx = 0, ny = 0;
    std::vector<double> values;            ///< row-major by y: values[j * nx + i]
    std::vector<std::string> cellText;     ///< written in each cell ("" = nothing); same indexing
    std::vector<std::string> maskText;     ///< reason shown in masked cells ("diverged")
    std::string colorLabel;
    bool logColor = false;
    double colorMin = std::numeric_limits<double>::quiet_NaN();   ///< NaN = from the values
    double colorMax = std::numeric_limits<double>::quiet_NaN();
    double at(int i, int j) const { return values[static_cast<std::size_t>(j * nx + i)]; }
};

/// A text mark at data coordinates; with yFraction, y is a fraction of the plot height from the bottom.
struct PlotMark {
    double x = 0, y = 0;
    bool yFraction = false;
    std::string text;
    std::string color = "#b91c1c";
};

struct PlotModel {
    std::string title;
    PlotAxis x, y, y2;
    std::vector<PlotSeries> series;
    std::optional<HeatMap> heatMap;
    std::vector<PlotMark> marks;
    bool legend = true;
    std::string message;                   ///< shown instead of an empty plot ("no cell has a value yet")

    bool usesRightAxis() const;
};

/// The colour map of heat maps: 11 samples of matplotlib's viridis (CC0), interpolated linearly in RGB.
const std::vector<unsigned>& viridisStops();
/// viridis at t ∈ [0, 1] as "#rrggbb".
std::string viridisHex(double t);
/// About five "nice" tick values covering [lo, hi] (linear), or the powers of ten in [lo, hi] (log; lo, hi > 0).
std::vector<double> niceTicks(double lo, double hi, bool log = false);

}  // namespace sd::analysis
