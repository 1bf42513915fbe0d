#pragma once
// sd::analysis::streamplot — streamlines of a 2-D vector field sampled on a uniform grid, computed with
// matplotlib's streamplot algorithm so the studio's phase portraits look like matplotlib's.
//
// Algorithm after matplotlib's lib/matplotlib/streamplot.py (Copyright (c) 2012- Matplotlib Development
// Team; matplotlib licence, PSF-style). This is an independent C++ implementation written from the
// description of its algorithm (docs/methods/studio-views.md §2); the parameter names are matplotlib's so users
// can port settings.
//
// Summary of the algorithm (details in streamplot.cpp):
//   * three coordinate systems: data (user units), grid (0..nx−1, 0..ny−1) and mask, an occupancy grid of
//     ⌊30·density⌋ cells per axis; grid → mask is round(x_g·(m_x−1)/(n_x−1)) (round half to even);
//   * seeds: the mask cells in a spiral from the outer boundary inward (skipping taken cells), or the
//     user's start points;
//   * integration in arc length (axes units: the whole plot is 1×1) with adaptive Heun–Euler (RK12,
//     tolerance 0.003·integrationMaxErrorScale, maximum step min(1/m_x, 1/m_y, 0.1)·integrationMaxStepScale),
//     velocities interpolated bilinearly, and one Euler step exactly to the boundary when a stage leaves
//     the domain;
//   * each accepted step marks its mask cell; with brokenStreamlines, entering a taken cell ends the line;
//   * direction Both: maxlength is halved per direction, backward first, then the mask's "current cell" is
//     reset to the seed and the forward half is integrated; the halves are joined at the seed;
//   * lines of total length ≤ minlength (axes units) are rejected and their cells freed;
//   * numArrows arrow anchors per line at equal fractions of its arc length (in data units).
//
// Deviations from matplotlib (documented, deliberate):
//   * Direction Forward keeps the seed as the first vertex (matplotlib drops it);
//   * each trajectory marks its own seed cell even when the previous trajectory ended in that cell
//     (matplotlib's "current cell" leaks across trajectories, which can let two lines share that cell);
//   * a masked (NaN) velocity met during the final Euler step ends the line without that step, and a
//     zero-length final Euler step (a line already on the border) adds no repeated vertex.
#include "core/analysis/polyline.h"

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <vector>

namespace sd::analysis {

/// matplotlib's integration_direction.
enum class StreamDirection { Both, Forward, Backward };

/// matplotlib's streamplot parameters (the styling ones — colour, linewidth, arrowstyle — are the GUI's).
struct StreamplotOptions {
    /// Streamline density (x, y): the mask has ⌊30·density⌋ cells per axis. A scalar d is {d, d}.
    std::array<double, 2> density{1.0, 1.0};
    /// Lines whose total length is ≤ minlength (axes units: the plot is 1×1) are dropped.
    double minlength = 0.1;
    /// Maximum length of a line in axes units (the sum of both halves for Both).
    double maxlength = 4.0;
    StreamDirection integrationDirection = StreamDirection::Both;
    /// true: a line stops when it enters a mask cell another line (or itself) has taken.
    bool brokenStreamlines = true;
    /// Arrow anchors per line (0 = none).
    int numArrows = 1;
    /// Optional seeds in data units, replacing the spiral; each must lie inside the grid box.
    std::vector<std::array<double, 2>> startPoints;
    /// Multiplies the maximum step (smaller → no mask cell skipped even on curvy fields).
    double integrationMaxStepScale = 1.0;
    /// Multiplies the RK12 error tolerance 0.003.
    double integrationMaxErrorScale = 1.0;
};

/// One streamline in data units, with the field speed at each vertex for colouring.
struct Streamline {
    Polyline path;              ///< vertices in data units, in the direction of the flow
    /// ‖(U, V)‖ (data units) interpolated bilinearly at each vertex; NaN at a last vertex that lies in a
    /// cell touching masked values (where the line stopped).
    std::vector<double> speed;
};

/// An arrow anchor: a tiny segment from (x, y) towards (x + dx, y + dy) that only carries direction
/// (matplotlib: from the anchor vertex to the midpoint of it and the next vertex). Draw a fixed-size
/// head (e.g. QCPItemLine with QCPLineEnding(esSpikeArrow, 8, 10)) at the far end.
struct StreamArrow {
    double x = 0, y = 0;    ///< tail, a vertex of the line (data units)
    double dx = 0, dy = 0;  ///< direction (data units; not normalised, may be tiny)
    std::size_t line = 0;   ///< index into StreamplotResult::lines
    std::size_t vertex = 0; ///< index of the tail vertex in that line
};

struct StreamplotResult {
    std::vector<Streamline> lines;
    std::vector<StreamArrow> arrows;
    /// Final occupancy mask, m_y × m_x (row = mask y): index of the line that took the cell, or −1.
    Eigen::MatrixXi occupancy;
};

/// Streamlines of the field (U, V) sampled on the grid x (nx values) × y (ny values).
///
/// x and y must be finite, strictly increasing and equally spaced, with at least 2 values each.
/// U and V are ny × nx: U(j, i) is the x-velocity at (x[i], y[j]) — rows follow y, columns follow x,
/// like matplotlib's arrays. NaN (or ±Inf) entries are masked: a line stops where the bilinear
/// interpolant touches one. The output is deterministic (no randomness, fixed seed order).
///
/// Throws sd::Error("streamplot: ...") for mismatched sizes, a non-increasing or non-uniform axis,
/// density giving fewer than 2 mask cells per axis, non-positive maxlength or step/error scales,
/// negative numArrows, or a start point outside the grid box.
StreamplotResult streamplot(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& U,
                            const Eigen::MatrixXd& V, const StreamplotOptions& options = {});

}  // namespace sd::analysis
