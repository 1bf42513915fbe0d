#pragma once
// One look for every plot: readable fonts, light grid, interactions (drag, wheel zoom) and the performance
// hints of docs/methods/studio-views.md §6.
#include <qcustomplot.h>

namespace sd::studio {

/// Applies the studio's plot style and interactions to a freshly created plot.
void stylePlot(QCustomPlot* plot);
/// A centred grey message on an empty plot ("Load a dataset…"); pass an empty text to hide it.
void setPlotMessage(QCustomPlot* plot, const QString& text);

}  // namespace sd::studio
