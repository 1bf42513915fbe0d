#pragma once
// sd::analysis::quiverGeometry — arrows of a vector field as ONE NaN-separated polyline, the fast way to
// draw hundreds of arrows with a single QCPCurve (docs/methods/studio-views.md §4).
//
// Per arrow: shaft p → tip, NaN, head (left barb → tip → right barb), NaN. The shaft is in data units;
// the head is sized in PIXELS and built in pixel space, so heads stay undistorted when the axes have
// different scales. Recompute on zoom (when the pixels-per-unit change).
#include "core/analysis/polyline.h"

#include <Eigen/Core>

namespace sd::analysis {

struct QuiverOptions {
    /// true: shaft = lengthScale·v (length ∝ speed); false: shaft = lengthScale·v/‖v‖ (constant length,
    /// encode the speed with colour instead). In data units.
    bool proportionalLength = true;
    double lengthScale = 1.0;
    /// Head stroke length in pixels and the half-angle between a stroke and the shaft, in radians.
    double headLengthPixels = 6.0;
    double headHalfAngle = 0.4363323129985824;  // 25°
    /// Current axis scales: pixels per data unit along x and y (QCPAxis: axisRect width / range size).
    double pixelsPerUnitX = 1.0;
    double pixelsPerUnitY = 1.0;
};

/// Arrows at the columns of `points` (2 × N, data units) with directions `vectors` (2 × N).
/// Arrows with a non-finite or zero vector or point are skipped. The heads are capped at the shaft's
/// on-screen length, so tiny arrows do not sprout large heads.
/// Throws sd::Error("quiverGeometry: ...") unless points and vectors are both 2 × N, lengthScale > 0,
/// headLengthPixels ≥ 0 and both pixel scales are finite and > 0.
Polyline quiverGeometry(const Eigen::MatrixXd& points, const Eigen::MatrixXd& vectors, const QuiverOptions& options);

/// A lengthScale for proportional arrows that makes the fastest arrow `longestArrow` long (data units),
/// e.g. one grid spacing. Returns 1 when every vector is zero or non-finite.
double quiverScaleForLongest(const Eigen::MatrixXd& vectors, double longestArrow);

}  // namespace sd::analysis
