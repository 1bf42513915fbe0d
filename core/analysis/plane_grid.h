#pragma once
// sd::analysis::PlaneGrid — a uniform 2-D grid over a box, as one batch of states for a single batched
// field evaluation (f(points) → n × N), and the reshaping of the results back to ny × nx grids that
// streamplot, marching squares and colour maps take.
//
// Point order: column k = j·nx + i of `points` is the state at (x[i], y[j]) — x varies fastest.
// Grids are ny × nx with G(j, i) at (x[i], y[j]) (rows follow y, columns follow x).
#include <Eigen/Core>

namespace sd::analysis {

/// An axis-aligned box in the plotted plane.
struct PlaneBox {
    double xMin = -1, xMax = 1, yMin = -1, yMax = 1;
};

struct PlaneGrid {
    Eigen::VectorXd x;       ///< nx equally spaced values from xMin to xMax
    Eigen::VectorXd y;       ///< ny equally spaced values from yMin to yMax
    Eigen::Index dimX = 0;   ///< state component varied along x
    Eigen::Index dimY = 1;   ///< state component varied along y
    Eigen::MatrixXd points;  ///< n × (nx·ny) states; column j·nx + i is at (x[i], y[j])

    Eigen::Index nx() const { return x.size(); }
    Eigen::Index ny() const { return y.size(); }
};

/// The grid of a 2-D state space: n = 2, dimX = 0, dimY = 1.
/// Throws sd::Error("makePlaneGrid: ...") unless the box is finite with xMin < xMax, yMin < yMax and
/// nx, ny ≥ 2.
PlaneGrid makePlaneGrid(const PlaneBox& box, Eigen::Index nx, Eigen::Index ny);

/// A 2-D slice of an n-dimensional state space: every point equals `base` except components dimX and
/// dimY, which run over the box. Throws as makePlaneGrid, and when dimX or dimY is outside
/// 0 … n−1 (n = base.size()) or dimX == dimY.
PlaneGrid makeSliceGrid(const Eigen::VectorXd& base, Eigen::Index dimX, Eigen::Index dimY, const PlaneBox& box,
                        Eigen::Index nx, Eigen::Index ny);

/// Row `row` of a batched result (rows × nx·ny, columns in PlaneGrid order) as an ny × nx grid:
/// G(j, i) = values(row, j·nx + i). For a scalar field V(points) (1 × N) use row 0; for a vector field
/// f(points) use row grid.dimX for U and grid.dimY for V.
/// Throws sd::Error("toGrid: ...") when values does not have nx·ny columns or row is out of range.
Eigen::MatrixXd toGrid(const Eigen::MatrixXd& values, Eigen::Index row, Eigen::Index nx, Eigen::Index ny);

}  // namespace sd::analysis
