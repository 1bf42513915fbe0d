#pragma once
// Perceptually uniform colour maps for QCustomPlot (QCustomPlot ships jet/thermal/polar, not viridis), and
// the fixed run palette of the training curves (a run keeps its colour across restarts).
#include <QColor>
#include <qcustomplot.h>

namespace sd::studio {

QCPColorGradient viridisGradient();
QCPColorGradient magmaGradient();
/// Colour of run number `index` (0-based), cycling through a 10-colour qualitative palette.
QColor runColor(int index);
/// A colour from viridis at t in [0,1] (for colouring streamlines by speed).
QColor viridisAt(double t);

}  // namespace sd::studio
