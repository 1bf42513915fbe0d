#pragma once
// The studio's only call sites of core/analysis (streamplot, marching squares, EMA smoothing). Views work
// with these small value types; if core/analysis changes its signatures only this file pair changes.
#include <Eigen/Core>
#include <vector>

namespace sd::studio {

/// A uniform grid over [x0,x1]×[y0,y1] with nx×ny nodes. Fields on it are ny×nx matrices (row = y index).
struct Grid2 {
    double x0 = -1, x1 = 1, y0 = -1, y1 = 1;
    int nx = 40, ny = 40;
    double x(int j) const { return x0 + (x1 - x0) * j / (nx - 1); }
    double y(int i) const { return y0 + (y1 - y0) * i / (ny - 1); }
    /// All nodes as a 2×(nx·ny) matrix, row-major over (i = y, j = x): column i·nx + j.
    Eigen::MatrixXd nodes() const;
};

/// A polyline; NaN entries break it into pieces.
struct Polyline {
    std::vector<double> x, y;
};

struct Arrow {
    double x0, y0, x1, y1;   ///< direction carrier: tail → head (a short segment)
};

struct Streamlines {
    std::vector<Polyline> lines;
    std::vector<Arrow> arrows;
};

/// matplotlib-style streamplot of (U, V) sampled on `grid` (ny×nx each).
Streamlines computeStreamlines(const Grid2& grid, const Eigen::MatrixXd& U, const Eigen::MatrixXd& V,
                               double density = 1.0);

/// Marching-squares level set of `F` (ny×nx on `grid`) at `level`, as NaN-separated segments/chains.
Polyline levelSet(const Grid2& grid, const Eigen::MatrixXd& F, double level);

/// TensorBoard's debiased exponential moving average (weight w in [0,1)); non-finite values pass through.
std::vector<double> smoothEma(const std::vector<double>& y, double weight);

}  // namespace sd::studio
