#pragma once
// Draws a core PlotModel (core/analysis/plot_model.h) with QCustomPlot — the Sweep tab's renderer of the same
// figures the experiment report writes as SVG (core/experiment/sweep_figures.h): series with markers, error
// bars and point labels, a right value axis, named ticks, a heat map with masked cells (grey, "×" + reason)
// and a colour bar in the metric's units (log when the figure says so), text marks, the empty-state message.
#include "core/analysis/plot_model.h"

#include <qcustomplot.h>

namespace sd::studio {

/// Clears `plot` (plottables, items, colour scale) and draws `model`. Returns the heat map (nullptr if none).
QCPColorMap* drawPlotModel(QCustomPlot* plot, const analysis::PlotModel& model);

/// The viridis gradient of core/analysis (masked cells transparent over the grey background).
QCPColorGradient plotModelGradient();

}  // namespace sd::studio
