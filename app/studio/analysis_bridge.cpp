#include "app/studio/analysis_bridge.h"

#include "core/analysis/marching_squares.h"
#include "core/analysis/smoothing.h"
#include "core/analysis/streamplot.h"

namespace sd::studio {

namespace {
Eigen::VectorXd axis(double lo, double hi, int n) { return Eigen::VectorXd::LinSpaced(n, lo, hi); }
}  // namespace

Eigen::MatrixXd Grid2::nodes() const {
    Eigen::MatrixXd X(2, nx * ny);
    for (int i = 0; i < ny; ++i)
        for (int j = 0; j < nx; ++j) {
            X(0, i * nx + j) = x(j);
            X(1, i * nx + j) = y(i);
        }
    return X;
}

Streamlines computeStreamlines(const Grid2& grid, const Eigen::MatrixXd& U, const Eigen::MatrixXd& V, double density) {
    analysis::StreamplotOptions options;
    options.density = {density, density};
    const auto result = analysis::streamplot(axis(grid.x0, grid.x1, grid.nx), axis(grid.y0, grid.y1, grid.ny), U, V, options);
    Streamlines out;
    for (const auto& line : result.lines) out.lines.push_back({line.path.x, line.path.y});
    for (const auto& a : result.arrows) out.arrows.push_back({a.x, a.y, a.x + a.dx, a.y + a.dy});
    return out;
}

Polyline levelSet(const Grid2& grid, const Eigen::MatrixXd& F, double level) {
    const auto contour = analysis::contourLines(axis(grid.x0, grid.x1, grid.nx), axis(grid.y0, grid.y1, grid.ny), F, level);
    const auto flat = analysis::nanSeparated(contour.lines);
    return {flat.x, flat.y};
}

std::vector<double> smoothEma(const std::vector<double>& y, double weight) {
    return analysis::smoothTensorBoard(std::span<const double>(y.data(), y.size()), weight);
}

}  // namespace sd::studio
