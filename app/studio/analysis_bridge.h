#pragma once
// analysis_bridge — conversions from core/analysis results to QCustomPlot objects, nothing else. The views
// call core/analysis (plane grids, streamplot, marching squares, contour levels, certified sublevel sets,
// quiver geometry, decimation, smoothing) themselves; these helpers only hand the numbers to the plot.
#include "core/analysis/plane_grid.h"
#include "core/analysis/polyline.h"

#include <Eigen/Core>
#include <QPen>
#include <functional>

class QCustomPlot;
class QCPColorMap;
class QCPCurve;

namespace sd::studio {

/// A new QCPCurve on the plot's main axes drawing `line` (NaN vertices break it; a closed polyline is
/// closed by repeating its first vertex), not selectable.
QCPCurve* addPolyline(QCustomPlot* plot, const analysis::Polyline& line, const QPen& pen);
/// Replaces a curve's points by `line` (same conventions).
void setPolyline(QCPCurve* curve, const analysis::Polyline& line);

/// Fills a colour map with a grid field (ny × nx, plane_grid.h layout) over the grid's box; `cell` maps
/// each value before it is stored (e.g. masking non-positive values for log colours).
void setColorMapData(QCPColorMap* map, const analysis::PlaneGrid& grid, const Eigen::MatrixXd& values,
                     const std::function<double(double)>& cell = {});

}  // namespace sd::studio
