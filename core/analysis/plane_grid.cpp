#include "core/analysis/plane_grid.h"

#include "core/common/error.h"

#include <cmath>
#include <string>

namespace sd::analysis {
namespace {

void validateBox(const char* where, const PlaneBox& box, Eigen::Index nx, Eigen::Index ny) {
    auto finite = [](double v) { return std::isfinite(v); };
    if (!finite(box.xMin) || !finite(box.xMax) || !(box.xMin < box.xMax))
        throw Error(where, "box x range must be finite with xMin < xMax, got [" + std::to_string(box.xMin) + ", " +
                               std::to_string(box.xMax) + "]");
    if (!finite(box.yMin) || !finite(box.yMax) || !(box.yMin < box.yMax))
        throw Error(where, "box y range must be finite with yMin < yMax, got [" + std::to_string(box.yMin) + ", " +
                               std::to_string(box.yMax) + "]");
    if (nx < 2 || ny < 2)
        throw Error(where, "need at least 2×2 grid points, got nx = " + std::to_string(nx) +
                               ", ny = " + std::to_string(ny));
}

PlaneGrid fill(const Eigen::VectorXd& base, Eigen::Index dimX, Eigen::Index dimY, const PlaneBox& box,
               Eigen::Index nx, Eigen::Index ny) {
    PlaneGrid g;
    g.x = Eigen::VectorXd::LinSpaced(nx, box.xMin, box.xMax);
    g.y = Eigen::VectorXd::LinSpaced(ny, box.yMin, box.yMax);
    g.dimX = dimX;
    g.dimY = dimY;
    g.points = base.replicate(1, nx * ny);
    for (Eigen::Index j = 0; j < ny; ++j)
        for (Eigen::Index i = 0; i < nx; ++i) {
            g.points(dimX, j * nx + i) = g.x[i];
            g.points(dimY, j * nx + i) = g.y[j];
        }
    return g;
}

}  // namespace

PlaneGrid makePlaneGrid(const PlaneBox& box, Eigen::Index nx, Eigen::Index ny) {
    validateBox("makePlaneGrid", box, nx, ny);
    return fill(Eigen::VectorXd::Zero(2), 0, 1, box, nx, ny);
}

PlaneGrid makeSliceGrid(const Eigen::VectorXd& base, Eigen::Index dimX, Eigen::Index dimY, const PlaneBox& box,
                        Eigen::Index nx, Eigen::Index ny) {
    validateBox("makeSliceGrid", box, nx, ny);
    const Eigen::Index n = base.size();
    if (dimX < 0 || dimX >= n || dimY < 0 || dimY >= n)
        throw Error("makeSliceGrid", "slice components (" + std::to_string(dimX) + ", " + std::to_string(dimY) +
                                         ") must lie in 0…" + std::to_string(n - 1) + " for a state of dimension " +
                                         std::to_string(n));
    if (dimX == dimY)
        throw Error("makeSliceGrid", "slice components must differ, both are " + std::to_string(dimX));
    return fill(base, dimX, dimY, box, nx, ny);
}

Eigen::MatrixXd toGrid(const Eigen::MatrixXd& values, Eigen::Index row, Eigen::Index nx, Eigen::Index ny) {
    if (nx < 1 || ny < 1 || values.cols() != nx * ny)
        throw Error("toGrid", "values must have nx·ny = " + std::to_string(nx) + "·" + std::to_string(ny) +
                                  " columns, got " + std::to_string(values.cols()));
    if (row < 0 || row >= values.rows())
        throw Error("toGrid", "row " + std::to_string(row) + " is outside 0…" + std::to_string(values.rows() - 1));
    // Column j·nx + i → (j, i): the row, read as an nx × ny column-major block, is the transpose.
    return Eigen::Map<const Eigen::MatrixXd, 0, Eigen::InnerStride<>>(
               values.data() + row, nx, ny, Eigen::InnerStride<>(values.rows()))
        .transpose();
}

}  // namespace sd::analysis
