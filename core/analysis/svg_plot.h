#pragma once
// SVG rendering of a PlotModel (plot_model.h) — the report and CLI plots, widget-free (no Qt).
// Axes with ticks (linear, log, or named), series as polylines broken at non-finite points (and, on a log
// axis, at non-positive ones), markers, error bars, point labels, a right value axis, heat maps with
// masked cells and a colour bar, text marks, a legend.
//
// renderSvgLinePlot is the short form for line plots used by the paper studies.
#include "core/analysis/plot_model.h"

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace sd::analysis {

/// The SVG document of `model` at width × height pixels. Throws sd::Error("svg plot", …) if a series has x
/// and y of different lengths, or nothing is drawable and the model has no message.
std::string renderSvg(const PlotModel& model, int width = 800, int height = 500);
/// renderSvg written atomically to `path` (sd::Error naming the path on failure).
void writeSvg(const std::filesystem::path& path, const PlotModel& model, int width = 800, int height = 500);

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

/// Lines without markers: the PlotModel of `series` rendered by renderSvg.
std::string renderSvgLinePlot(const std::vector<SvgSeries>& series, const SvgPlotOptions& options);
void writeSvgLinePlot(const std::filesystem::path& path, const std::vector<SvgSeries>& series, const SvgPlotOptions& options);

}  // namespace sd::analysis
