#include "core/analysis/quiver.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace sd::analysis {

Polyline quiverGeometry(const Eigen::MatrixXd& points, const Eigen::MatrixXd& vectors, const QuiverOptions& o) {
    const std::string where = "quiverGeometry";
    if (points.rows() != 2 || vectors.rows() != 2 || points.cols() != vectors.cols())
        throw Error(where, "points and vectors must both be 2×N, got " + std::to_string(points.rows()) + "×" +
                               std::to_string(points.cols()) + " and " + std::to_string(vectors.rows()) + "×" +
                               std::to_string(vectors.cols()));
    if (!(o.lengthScale > 0.0) || !std::isfinite(o.lengthScale))
        throw Error(where, "lengthScale must be finite and > 0, got " + std::to_string(o.lengthScale));
    if (!(o.headLengthPixels >= 0.0) || !std::isfinite(o.headLengthPixels))
        throw Error(where, "headLengthPixels must be finite and ≥ 0, got " + std::to_string(o.headLengthPixels));
    if (!(o.pixelsPerUnitX > 0.0) || !(o.pixelsPerUnitY > 0.0) || !std::isfinite(o.pixelsPerUnitX) ||
        !std::isfinite(o.pixelsPerUnitY))
        throw Error(where, "pixel scales must be finite and > 0");

    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const double sx = o.pixelsPerUnitX, sy = o.pixelsPerUnitY;
    const double c = std::cos(o.headHalfAngle), s = std::sin(o.headHalfAngle);
    Polyline out;
    out.x.reserve(static_cast<std::size_t>(points.cols()) * 7);
    out.y.reserve(static_cast<std::size_t>(points.cols()) * 7);
    for (Eigen::Index k = 0; k < points.cols(); ++k) {
        const double px = points(0, k), py = points(1, k), vx = vectors(0, k), vy = vectors(1, k);
        if (!std::isfinite(px) || !std::isfinite(py) || !std::isfinite(vx) || !std::isfinite(vy)) continue;
        const double norm = std::hypot(vx, vy);
        if (norm == 0.0) continue;
        const double f = o.proportionalLength ? o.lengthScale : o.lengthScale / norm;
        const double tx = px + f * vx, ty = py + f * vy;
        out.append(px, py);
        out.append(tx, ty);
        out.append(nan, nan);

        // Head in pixel space: unit shaft direction there, barbs rotated by ±angle backwards from the tip.
        const double qx = (tx - px) * sx, qy = (ty - py) * sy;
        const double shaftPixels = std::hypot(qx, qy);
        if (shaftPixels == 0.0 || o.headLengthPixels == 0.0) continue;
        const double head = std::min(o.headLengthPixels, shaftPixels);
        const double ux = qx / shaftPixels, uy = qy / shaftPixels;
        const double lx = -(c * ux - s * uy) * head, ly = -(s * ux + c * uy) * head;  // rotate +angle, reverse
        const double rx = -(c * ux + s * uy) * head, ry = -(-s * ux + c * uy) * head; // rotate −angle, reverse
        out.append(tx + lx / sx, ty + ly / sy);
        out.append(tx, ty);
        out.append(tx + rx / sx, ty + ry / sy);
        out.append(nan, nan);
    }
    return out;
}

double quiverScaleForLongest(const Eigen::MatrixXd& vectors, double longestArrow) {
    double longest = 0.0;
    for (Eigen::Index k = 0; k < vectors.cols(); ++k) {
        double n2 = 0.0;
        for (Eigen::Index r = 0; r < vectors.rows(); ++r) n2 += vectors(r, k) * vectors(r, k);
        if (std::isfinite(n2)) longest = std::max(longest, std::sqrt(n2));
    }
    return longest > 0.0 ? longestArrow / longest : 1.0;
}

}  // namespace sd::analysis
