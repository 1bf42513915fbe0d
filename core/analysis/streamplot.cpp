// Streamplot after matplotlib's lib/matplotlib/streamplot.py (matplotlib licence, PSF-style);
// an independent implementation (docs/methods/studio-views.md §2). See streamplot.h.
#include "core/analysis/streamplot.h"

#include "core/analysis/grid_checks.h"
#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace sd::analysis {
namespace {

constexpr const char* kWhere = "streamplot";

struct GridPoint {
    double x = 0, y = 0;  // grid coordinates: 0..nx−1, 0..ny−1
};

/// The sampled field in grid units, with bilinear interpolation (matplotlib's interpgrid).
class GridField {
public:
    GridField(const Eigen::MatrixXd& U, const Eigen::MatrixXd& V, double dx, double dy)
        : nx_(U.cols()), ny_(U.rows()) {
        ug_ = U / dx;  // data → grid velocities
        vg_ = V / dy;
        const double sx = 1.0 / static_cast<double>(nx_ - 1);
        const double sy = 1.0 / static_cast<double>(ny_ - 1);
        // speed in axes units (the plot is 1×1); NaN where either component is masked
        axesSpeed_ = ((ug_ * sx).array().square() + (vg_ * sy).array().square()).sqrt().matrix();
        dataSpeed_ = (U.array().square() + V.array().square()).sqrt().matrix();
    }

    Eigen::Index nx() const { return nx_; }
    Eigen::Index ny() const { return ny_; }

    /// Whether (xi, yi) is a valid (fractional) grid index.
    bool withinGrid(double xi, double yi) const {
        return xi >= 0.0 && xi <= static_cast<double>(nx_ - 1) && yi >= 0.0 && yi <= static_cast<double>(ny_ - 1);
    }

    /// Bilinear interpolation of `a` (ny × nx) at a point inside the grid. Any non-finite corner value
    /// (even with zero weight) gives NaN, like matplotlib's masked arrays.
    double interpolate(const Eigen::MatrixXd& a, double xi, double yi) const {
        const Eigen::Index i = static_cast<Eigen::Index>(xi);
        const Eigen::Index j = static_cast<Eigen::Index>(yi);
        const Eigen::Index in = (i == nx_ - 1) ? i : i + 1;
        const Eigen::Index jn = (j == ny_ - 1) ? j : j + 1;
        const double a00 = a(j, i), a01 = a(j, in), a10 = a(jn, i), a11 = a(jn, in);
        if (!std::isfinite(a00) || !std::isfinite(a01) || !std::isfinite(a10) || !std::isfinite(a11))
            return std::numeric_limits<double>::quiet_NaN();
        const double xt = xi - static_cast<double>(i);
        const double yt = yi - static_cast<double>(j);
        const double a0 = a00 * (1 - xt) + a01 * xt;
        const double a1 = a10 * (1 - xt) + a11 * xt;
        return a0 * (1 - yt) + a1 * yt;
    }

    const Eigen::MatrixXd& dataSpeed() const { return dataSpeed_; }

    enum class Status { Ok, OutOfBounds, Terminate };

    /// The unit-speed (axes units) direction field in grid units at (xi, yi), times `sign`.
    Status direction(double xi, double yi, double sign, double& kx, double& ky) const {
        if (!withinGrid(xi, yi)) return Status::OutOfBounds;
        const double dsdt = interpolate(axesSpeed_, xi, yi);
        if (!std::isfinite(dsdt) || dsdt == 0.0) return Status::Terminate;
        const double ui = interpolate(ug_, xi, yi);
        const double vi = interpolate(vg_, xi, yi);
        if (!std::isfinite(ui) || !std::isfinite(vi)) return Status::Terminate;
        const double dtds = 1.0 / dsdt;
        kx = sign * ui * dtds;
        ky = sign * vi * dtds;
        return Status::Ok;
    }

private:
    Eigen::Index nx_, ny_;
    Eigen::MatrixXd ug_, vg_, axesSpeed_, dataSpeed_;
};

/// The occupancy mask: one streamline per cell. Cells hold the owning line's index or −1.
class StreamMask {
public:
    StreamMask(Eigen::Index mx, Eigen::Index my, Eigen::Index nx, Eigen::Index ny)
        : cells_(Eigen::MatrixXi::Constant(my, mx, -1)),
          gridToMaskX_(static_cast<double>(mx - 1) / static_cast<double>(nx - 1)),
          gridToMaskY_(static_cast<double>(my - 1) / static_cast<double>(ny - 1)) {}

    Eigen::Index mx() const { return cells_.cols(); }
    Eigen::Index my() const { return cells_.rows(); }
    bool taken(Eigen::Index xm, Eigen::Index ym) const { return cells_(ym, xm) >= 0; }
    const Eigen::MatrixXi& cells() const { return cells_; }

    GridPoint maskToGrid(Eigen::Index xm, Eigen::Index ym) const {
        return {static_cast<double>(xm) / gridToMaskX_, static_cast<double>(ym) / gridToMaskY_};
    }

    /// Begins a trajectory owned by line `owner` at grid point g. False if its cell is taken (and
    /// broken streamlines are on).
    bool start(GridPoint g, int owner, bool broken) {
        owner_ = owner;
        trajectory_.clear();
        hasCurrent_ = false;  // deliberate: matplotlib keeps the previous line's current cell here
        return update(g, broken);
    }

    /// Makes the cell of g the current one without marking it (start of the forward half).
    void resetCurrent(GridPoint g) {
        current_ = toMask(g);
        hasCurrent_ = true;
    }

    /// Marks the cell of g when it is new. False when it is taken by a line and broken is on.
    bool update(GridPoint g, bool broken) {
        const auto c = toMask(g);
        if (hasCurrent_ && c == current_) return true;
        if (cells_(c[1], c[0]) < 0) {
            cells_(c[1], c[0]) = owner_;
            trajectory_.push_back(c);
            current_ = c;
            hasCurrent_ = true;
            return true;
        }
        return !broken;
    }

    /// Frees every cell the current trajectory marked.
    void undo() {
        for (const auto& c : trajectory_) cells_(c[1], c[0]) = -1;
        trajectory_.clear();
    }

private:
    std::array<Eigen::Index, 2> toMask(GridPoint g) const {
        // Python's round(): half to even, which std::nearbyint gives in the default rounding mode.
        return {static_cast<Eigen::Index>(std::nearbyint(g.x * gridToMaskX_)),
                static_cast<Eigen::Index>(std::nearbyint(g.y * gridToMaskY_))};
    }

    Eigen::MatrixXi cells_;
    double gridToMaskX_, gridToMaskY_;
    std::vector<std::array<Eigen::Index, 2>> trajectory_;
    std::array<Eigen::Index, 2> current_{-1, -1};
    bool hasCurrent_ = false;
    int owner_ = -1;
};

/// One direction of one streamline: adaptive Heun–Euler in arc length (matplotlib's _integrate_rk12).
struct HalfLine {
    double length = 0.0;            // axes units
    std::vector<GridPoint> points;  // starting with the seed
};

HalfLine integrateRk12(GridPoint seed, const GridField& field, StreamMask& mask, double sign, double maxlength,
                       bool broken, double maxStepScale, double maxErrorScale) {
    const double maxError = 0.003 * maxErrorScale;
    const double maxStep = std::min({1.0 / static_cast<double>(mask.mx()), 1.0 / static_cast<double>(mask.my()), 0.1}) *
                           maxStepScale;
    const double axesX = static_cast<double>(field.nx() - 1);
    const double axesY = static_cast<double>(field.ny() - 1);

    HalfLine half;
    double ds = maxStep;
    double xi = seed.x, yi = seed.y;
    using Status = GridField::Status;

    while (true) {
        Status status = Status::Ok;
        double k1x = 0, k1y = 0, k2x = 0, k2y = 0;
        if (field.withinGrid(xi, yi)) {
            half.points.push_back({xi, yi});
            status = field.direction(xi, yi, sign, k1x, k1y);
            if (status == Status::Ok) status = field.direction(xi + ds * k1x, yi + ds * k1y, sign, k2x, k2y);
        } else {
            status = Status::OutOfBounds;
        }

        if (status == Status::OutOfBounds) {
            // A stage left the domain: one Euler step exactly to the boundary, so lines end at the edges.
            if (!half.points.empty()) {
                const GridPoint last = half.points.back();
                double cx = 0, cy = 0;
                if (field.direction(last.x, last.y, sign, cx, cy) == Status::Ok) {
                    const double inf = std::numeric_limits<double>::infinity();
                    const double dsx = cx == 0 ? inf : (cx < 0 ? last.x / -cx : (axesX - last.x) / cx);
                    const double dsy = cy == 0 ? inf : (cy < 0 ? last.y / -cy : (axesY - last.y) / cy);
                    const double step = std::min(dsx, dsy);
                    if (step > 0.0) {  // a line already on the border gets no repeated vertex
                        half.points.push_back({last.x + cx * step, last.y + cy * step});
                        half.length += step;
                    }
                }
            }
            break;
        }
        if (status == Status::Terminate) break;

        const double dx1 = ds * k1x, dy1 = ds * k1y;
        const double dx2 = ds * 0.5 * (k1x + k2x), dy2 = ds * 0.5 * (k1y + k2y);
        // error normalised to axes coordinates
        const double error = std::hypot((dx2 - dx1) / axesX, (dy2 - dy1) / axesY);

        if (error < maxError) {
            xi += dx2;
            yi += dy2;
            if (!field.withinGrid(xi, yi) || !mask.update({xi, yi}, broken)) break;
            if (half.length + ds > maxlength) break;
            half.length += ds;
        }
        ds = (error == 0.0) ? maxStep : std::min(maxStep, 0.85 * ds * std::sqrt(maxError / error));
    }
    return half;
}

void validate(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& U,
              const Eigen::MatrixXd& V, const StreamplotOptions& o) {
    requireUniform(std::string(kWhere) + ": x", x);
    requireUniform(std::string(kWhere) + ": y", y);
    requireGridShape(kWhere, "U", U, x.size(), y.size());
    requireGridShape(kWhere, "V", V, x.size(), y.size());
    for (int a = 0; a < 2; ++a)
        if (!(std::floor(30.0 * o.density[a]) >= 2.0) || !std::isfinite(o.density[a]))
            throw Error(kWhere, "density must give at least 2 mask cells per axis (density ≥ 1/15), got " +
                                    std::to_string(o.density[a]));
    if (!(o.maxlength > 0.0)) throw Error(kWhere, "maxlength must be > 0, got " + std::to_string(o.maxlength));
    if (!std::isfinite(o.minlength)) throw Error(kWhere, "minlength must be finite");
    if (!(o.integrationMaxStepScale > 0.0))
        throw Error(kWhere, "integrationMaxStepScale must be > 0, got " + std::to_string(o.integrationMaxStepScale));
    if (!(o.integrationMaxErrorScale > 0.0))
        throw Error(kWhere,
                    "integrationMaxErrorScale must be > 0, got " + std::to_string(o.integrationMaxErrorScale));
    if (o.numArrows < 0) throw Error(kWhere, "numArrows must be ≥ 0, got " + std::to_string(o.numArrows));
    const double x0 = x[0], x1 = x[x.size() - 1], y0 = y[0], y1 = y[y.size() - 1];
    for (std::size_t k = 0; k < o.startPoints.size(); ++k) {
        const auto& p = o.startPoints[k];
        if (!(p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1))
            throw Error(kWhere, "startPoints[" + std::to_string(k) + "] = (" + std::to_string(p[0]) + ", " +
                                    std::to_string(p[1]) + ") lies outside the grid box [" + std::to_string(x0) +
                                    ", " + std::to_string(x1) + "]×[" + std::to_string(y0) + ", " +
                                    std::to_string(y1) + "]");
    }
}

/// Mask cells in a spiral from the outer boundary inward (matplotlib's _gen_starting_points).
std::vector<std::array<Eigen::Index, 2>> spiralSeeds(Eigen::Index mx, Eigen::Index my) {
    std::vector<std::array<Eigen::Index, 2>> seeds;
    seeds.reserve(static_cast<std::size_t>(mx * my));
    Eigen::Index xfirst = 0, yfirst = 1, xlast = mx - 1, ylast = my - 1, xm = 0, ym = 0;
    enum { Right, Up, Left, Down } dir = Right;
    for (Eigen::Index k = 0; k < mx * my; ++k) {
        seeds.push_back({xm, ym});
        switch (dir) {
            case Right:
                if (++xm >= xlast) { --xlast; dir = Up; }
                break;
            case Up:
                if (++ym >= ylast) { --ylast; dir = Left; }
                break;
            case Left:
                if (--xm <= xfirst) { ++xfirst; dir = Down; }
                break;
            case Down:
                if (--ym <= yfirst) { ++yfirst; dir = Right; }
                break;
        }
    }
    return seeds;
}

}  // namespace

StreamplotResult streamplot(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& U,
                            const Eigen::MatrixXd& V, const StreamplotOptions& options) {
    validate(x, y, U, V, options);
    const Eigen::Index nx = x.size(), ny = y.size();
    const double dx = (x[nx - 1] - x[0]) / static_cast<double>(nx - 1);
    const double dy = (y[ny - 1] - y[0]) / static_cast<double>(ny - 1);
    const GridField field(U, V, dx, dy);
    StreamMask mask(static_cast<Eigen::Index>(std::floor(30.0 * options.density[0])),
                    static_cast<Eigen::Index>(std::floor(30.0 * options.density[1])), nx, ny);

    const bool both = options.integrationDirection == StreamDirection::Both;
    const bool backward = both || options.integrationDirection == StreamDirection::Backward;
    const bool forward = both || options.integrationDirection == StreamDirection::Forward;
    const double maxlength = both ? options.maxlength / 2.0 : options.maxlength;
    const bool broken = options.brokenStreamlines;

    std::vector<std::vector<GridPoint>> trajectories;
    auto integrate = [&](GridPoint seed) {
        const int owner = static_cast<int>(trajectories.size());
        if (!mask.start(seed, owner, broken)) return;
        double total = 0.0;
        std::vector<GridPoint> points;
        if (backward) {
            HalfLine h = integrateRk12(seed, field, mask, -1.0, maxlength, broken, options.integrationMaxStepScale,
                                       options.integrationMaxErrorScale);
            total += h.length;
            points.assign(h.points.rbegin(), h.points.rend());
        }
        if (forward) {
            mask.resetCurrent(seed);
            HalfLine h = integrateRk12(seed, field, mask, +1.0, maxlength, broken, options.integrationMaxStepScale,
                                       options.integrationMaxErrorScale);
            total += h.length;
            // the seed is already the last backward point (Both); keep it for Forward alone
            const std::size_t skip = (points.empty() || h.points.empty()) ? 0 : 1;
            if (h.points.size() > skip) points.insert(points.end(), h.points.begin() + static_cast<long>(skip), h.points.end());
        }
        if (total > options.minlength && !points.empty()) {
            trajectories.push_back(std::move(points));
        } else {
            mask.undo();  // reject short trajectories
        }
    };

    if (options.startPoints.empty()) {
        for (const auto& s : spiralSeeds(mask.mx(), mask.my()))
            if (!mask.taken(s[0], s[1])) integrate(mask.maskToGrid(s[0], s[1]));
    } else {
        for (const auto& p : options.startPoints) {
            // clip: rounding may put points on the upper boundary slightly outside
            const double xg = std::clamp((p[0] - x[0]) / dx, 0.0, static_cast<double>(nx - 1));
            const double yg = std::clamp((p[1] - y[0]) / dy, 0.0, static_cast<double>(ny - 1));
            integrate({xg, yg});
        }
    }

    StreamplotResult result;
    result.lines.reserve(trajectories.size());
    for (std::size_t li = 0; li < trajectories.size(); ++li) {
        const auto& t = trajectories[li];
        Streamline line;
        line.path.x.reserve(t.size());
        line.path.y.reserve(t.size());
        line.speed.reserve(t.size());
        for (const auto& g : t) {
            line.path.append(x[0] + g.x * dx, y[0] + g.y * dy);
            line.speed.push_back(field.interpolate(field.dataSpeed(), g.x, g.y));
        }
        // arrows at equal fractions of the arc length (data units), as matplotlib
        const std::size_t n = line.path.size();
        if (n >= 2 && options.numArrows > 0) {
            std::vector<double> s(n - 1);  // s[k] = length up to vertex k+1
            double acc = 0.0;
            for (std::size_t k = 0; k + 1 < n; ++k) {
                acc += std::hypot(line.path.x[k + 1] - line.path.x[k], line.path.y[k + 1] - line.path.y[k]);
                s[k] = acc;
            }
            for (int a = 1; a <= options.numArrows; ++a) {
                const double target = acc * (static_cast<double>(a) / (options.numArrows + 1));
                std::size_t idx = static_cast<std::size_t>(std::lower_bound(s.begin(), s.end(), target) - s.begin());
                idx = std::min(idx, n - 2);
                StreamArrow arrow;
                arrow.x = line.path.x[idx];
                arrow.y = line.path.y[idx];
                arrow.dx = 0.5 * (line.path.x[idx] + line.path.x[idx + 1]) - arrow.x;
                arrow.dy = 0.5 * (line.path.y[idx] + line.path.y[idx + 1]) - arrow.y;
                arrow.line = li;
                arrow.vertex = idx;
                result.arrows.push_back(arrow);
            }
        }
        result.lines.push_back(std::move(line));
    }
    result.occupancy = mask.cells();
    return result;
}

}  // namespace sd::analysis
