#pragma once
// sd::analysis::SvgLinePlot — a tiny, widget-free SVG line-plot writer for CLI studies (no Qt).
// Axes with ticks, optional log-y, one polyline per series, a legend. Non-finite points (and, with log-y,
// non-positive ones) break the line instead of being drawn.
#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace sd::analysis {

struct SvgSeries {
    std::string label;
    Eigen::VectorXd x, y;          ///< equal lengths
    std::string color = "#1f77b4";
    bool dashed = false;
};

struct SvgPlotOptions {
    std::string title, xLabel, yLabel;
    bool logY = false;
    int width = 800, height = 500;
};

/// The SVG document text. Throws sd::Error("svg plot", …) if a series has x/y of different lengths or no
/// series has a drawable point.
std::string renderSvgLinePlot(const std::vector<SvgSeries>& series, const SvgPlotOptions& options);

/// renderSvgLinePlot written atomically to `path` (sd::Error naming the path on failure).
void writeSvgLinePlot(const std::filesystem::path& path, const std::vector<SvgSeries>& series, const SvgPlotOptions& options);

}  // namespace sd::analysis
