#pragma once
// sd::analysis marching squares — level sets {V = c} of a scalar field sampled on a rectilinear grid,
// as polylines (docs/methods/studio-views.md §3.1).
//
// Per cell, corners (bottom-left, bottom-right, top-right, top-left) give a 4-bit case index from
// [V > c] (bits 1, 2, 4, 8): 16 cases. Cases 0 and 15 and cells with a non-finite corner are skipped.
// An edge whose endpoints lie on opposite sides is crossed at p_a + t(p_b − p_a), t = (c − V_a)/(V_b − V_a).
// The 14 ordinary cases give one segment; the saddles 5 and 10 give two, disambiguated by the cell
// centre value (the mean of the corners): centre > c joins the "above" corners through the centre
// (the segments cut off the two "below" corners); otherwise the "below" corners are joined.
// Segments are joined into polylines through their shared edge crossings (key = grid edge id); chains
// that come back to their start are returned as closed polylines.
#include "core/analysis/polyline.h"

#include <Eigen/Core>
#include <vector>

namespace sd::analysis {

/// One contour segment inside one grid cell.
struct ContourSegment {
    double x0, y0, x1, y1;
};

/// The level set of one level, as joined polylines.
struct ContourLevel {
    double level = 0.0;
    std::vector<Polyline> lines;  ///< open chains end on the grid border or at masked cells
};

/// The raw marching-squares segments of {V = level}, cell by cell (row-major over cells, bottom row
/// first; saddle cells contribute two). x has nx strictly increasing values, y has ny; V is ny × nx with
/// V(j, i) the value at (x[i], y[j]) (rows follow y, columns follow x). x and y may be non-uniform.
/// A non-finite level gives no segments.
/// Throws sd::Error("marchingSquares: ...") for a non-increasing axis (or fewer than 2 values) or a V
/// of the wrong shape.
std::vector<ContourSegment> contourSegments(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                            const Eigen::MatrixXd& V, double level);

/// The level set {V = level} joined into polylines (same grid conventions and errors as
/// contourSegments). Each closed curve inside the grid is ONE polyline with closed = true (first vertex
/// not repeated); curves cut by the border or by masked cells are open polylines. Deterministic.
ContourLevel contourLines(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& V,
                          double level);

/// contourLines for each level, in the given order.
std::vector<ContourLevel> contourLines(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                       const Eigen::MatrixXd& V, const std::vector<double>& levels);

/// The segments as one NaN-separated polyline (x0, x1, NaN, ...), the simplest form to draw with one
/// QCPCurve per level.
Polyline nanSeparated(const std::vector<ContourSegment>& segments);

}  // namespace sd::analysis
