#pragma once
// The plots of an experiment, as PlotModels (core/analysis/plot_model.h) built from a ResultTable — the
// same figures in the Markdown report (rendered to SVG) and in the studio's Sweep tab (rendered with
// QCustomPlot):
//   * metric vs one axis: one line per combination of dataset and the other axes' values, mean over seeds
//     with ± std error bars; undefined points are not drawn but marked "×" with the reason; with one line,
//     the observed sensitivity (and the guaranteed bound, when the certificate has one) on the right axis;
//   * heat map over two axes (one dataset, the other axes fixed): the mean over seeds in each cell, masked
//     (grey, "×" + reason) only where it is undefined; colour bar = the metric, log when all values > 0;
//   * metric vs sensitivity: one point per group (the paper's NRMSE-vs-observed-sensitivity plot), ± std over
//     the seeds in both directions.
// Only undefined values are masked: a variant without a certificate still shows its numbers.
#include "core/analysis/plot_model.h"
#include "core/experiment/result_table.h"

#include <vector>

namespace sd::experiment {

/// "test NRMSE", "validation relative error", or the path itself.
std::string metricLabel(const ResultTable& table, const std::string& path);

/// `dataset` < 0: every dataset.
analysis::PlotModel metricVsAxisFigure(const ResultTable& table, const std::string& metric, int axis, int dataset = -1);
/// The other axes stay at `fixedCoords` (one index per axis; entries of axisX and axisY are ignored).
analysis::PlotModel heatMapFigure(const ResultTable& table, const std::string& metric, int axisX, int axisY, int dataset,
                                  const std::vector<int>& fixedCoords);
analysis::PlotModel sensitivityScatterFigure(const ResultTable& table, const std::string& metric, const std::string& sensitivity);

/// Where value i of an axis is drawn on a metric-vs-axis plot: its number, or its index when the axis is
/// categorical (not numeric, or zero mixed with positive values spanning decades: 0, 1e-8, …, 100).
double axisPlotPosition(const Axis& axis, std::size_t i);

/// Tableau-10 colour `index` (cycling) as "#rrggbb".
std::string seriesColor(int index);

}  // namespace sd::experiment
