#pragma once
// Saves a QCustomPlot as PNG, PDF or SVG (chosen by the file suffix). SVG goes through QSvgGenerator and
// QCustomPlot::toPainter, since QCustomPlot has no saveSvg.
#include <QString>

class QCustomPlot;

namespace sd::studio {

/// Throws sd::Error naming the file when the format is unknown or writing fails.
void savePlot(QCustomPlot* plot, const QString& path, int width = 0, int height = 0);

/// File-dialog filter for savePlot.
QString plotFileFilter();

}  // namespace sd::studio
