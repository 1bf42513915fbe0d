#include "core/analysis/marching_squares.h"

#include "core/analysis/grid_checks.h"
#include "core/common/error.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace sd::analysis {
namespace {

constexpr const char* kMarchingSquares = "marchingSquares";

// Cell edges, counter-clockwise from the bottom.
enum Edge : int { Bottom = 0, Right = 1, Top = 2, Left = 3 };

/// A segment between two crossed grid edges, identified by global edge ids.
struct EdgeSegment {
    std::int64_t a, b;
};

class Marcher {
public:
    Marcher(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& V, double level)
        : x_(x), y_(y), V_(V), c_(level), nx_(x.size()) {}

    /// Calls emit(edgeIdA, edgeIdB) for every segment, cell by cell.
    template <class Emit>
    void march(Emit&& emit) const {
        if (!std::isfinite(c_)) return;
        const Eigen::Index nx = x_.size(), ny = y_.size();
        for (Eigen::Index j = 0; j + 1 < ny; ++j) {
            for (Eigen::Index i = 0; i + 1 < nx; ++i) {
                const double bl = V_(j, i), br = V_(j, i + 1), tr = V_(j + 1, i + 1), tl = V_(j + 1, i);
                if (!std::isfinite(bl) || !std::isfinite(br) || !std::isfinite(tr) || !std::isfinite(tl)) continue;
                const int index = (bl > c_ ? 1 : 0) | (br > c_ ? 2 : 0) | (tr > c_ ? 4 : 0) | (tl > c_ ? 8 : 0);
                if (index == 0 || index == 15) continue;
                auto edge = [&](Edge e) { return edgeId(i, j, e); };
                if (index == 5 || index == 10) {
                    const bool centreAbove = 0.25 * (bl + br + tr + tl) > c_;
                    // Isolate bl and tr (segments Left–Bottom, Right–Top) when those corners are the ones
                    // NOT joined through the centre; otherwise isolate br and tl.
                    const bool blAbove = (index == 5);
                    const bool isolateBlTr = (blAbove != centreAbove);
                    if (isolateBlTr) {
                        emit(edge(Left), edge(Bottom));
                        emit(edge(Right), edge(Top));
                    } else {
                        emit(edge(Bottom), edge(Right));
                        emit(edge(Top), edge(Left));
                    }
                    continue;
                }
                // Ordinary case: exactly two edges change sign.
                std::array<Edge, 2> crossed{};
                int n = 0;
                const bool s[4] = {bl > c_, br > c_, tr > c_, tl > c_};
                if (s[0] != s[1]) crossed[n++] = Bottom;
                if (s[1] != s[2]) crossed[n++] = Right;
                if (s[3] != s[2]) crossed[n++] = Top;
                if (s[0] != s[3]) crossed[n++] = Left;
                emit(edge(crossed[0]), edge(crossed[1]));
            }
        }
    }

    /// Global id of a cell edge: horizontal edge from node (i, j) to (i+1, j) is 2(j·nx+i); vertical
    /// edge from (i, j) to (i, j+1) is 2(j·nx+i)+1. Shared edges of neighbouring cells get one id.
    std::int64_t edgeId(Eigen::Index i, Eigen::Index j, Edge e) const {
        switch (e) {
            case Bottom: return 2 * (static_cast<std::int64_t>(j) * nx_ + i);
            case Top: return 2 * (static_cast<std::int64_t>(j + 1) * nx_ + i);
            case Left: return 2 * (static_cast<std::int64_t>(j) * nx_ + i) + 1;
            case Right: return 2 * (static_cast<std::int64_t>(j) * nx_ + i + 1) + 1;
        }
        return -1;
    }

    /// The crossing point of the level on an edge.
    std::array<double, 2> crossing(std::int64_t id) const {
        const bool vertical = (id & 1) != 0;
        const std::int64_t node = id / 2;
        const Eigen::Index i = static_cast<Eigen::Index>(node % nx_);
        const Eigen::Index j = static_cast<Eigen::Index>(node / nx_);
        const Eigen::Index i1 = vertical ? i : i + 1;
        const Eigen::Index j1 = vertical ? j + 1 : j;
        const double va = V_(j, i), vb = V_(j1, i1);
        const double t = (c_ - va) / (vb - va);
        return {x_[i] + t * (x_[i1] - x_[i]), y_[j] + t * (y_[j1] - y_[j])};
    }

private:
    const Eigen::VectorXd& x_;
    const Eigen::VectorXd& y_;
    const Eigen::MatrixXd& V_;
    double c_;
    std::int64_t nx_;
};

void validate(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& V) {
    requireStrictlyIncreasing(std::string(kMarchingSquares) + ": x", x);
    requireStrictlyIncreasing(std::string(kMarchingSquares) + ": y", y);
    requireGridShape(kMarchingSquares, "V", V, x.size(), y.size());
}

}  // namespace

std::vector<ContourSegment> contourSegments(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                            const Eigen::MatrixXd& V, double level) {
    validate(x, y, V);
    const Marcher m(x, y, V, level);
    std::vector<ContourSegment> out;
    m.march([&](std::int64_t a, std::int64_t b) {
        const auto p = m.crossing(a);
        const auto q = m.crossing(b);
        out.push_back({p[0], p[1], q[0], q[1]});
    });
    return out;
}

ContourLevel contourLines(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::MatrixXd& V,
                          double level) {
    validate(x, y, V);
    const Marcher m(x, y, V, level);
    std::vector<EdgeSegment> segments;
    m.march([&](std::int64_t a, std::int64_t b) { segments.push_back({a, b}); });

    // Each crossed edge belongs to at most two cells, hence to at most two segments: the graph of
    // segments is a union of simple paths and cycles.
    std::unordered_map<std::int64_t, std::array<std::int64_t, 2>> incident;  // edge → segment indices
    incident.reserve(segments.size() * 2);
    for (std::size_t s = 0; s < segments.size(); ++s) {
        for (const std::int64_t e : {segments[s].a, segments[s].b}) {
            auto [it, inserted] = incident.try_emplace(e, std::array<std::int64_t, 2>{-1, -1});
            (it->second[0] < 0 ? it->second[0] : it->second[1]) = static_cast<std::int64_t>(s);
        }
    }
    std::vector<bool> used(segments.size(), false);

    auto walk = [&](std::size_t first, std::int64_t startEdge) {
        Polyline line;
        auto p = m.crossing(startEdge);
        line.append(p[0], p[1]);
        std::int64_t edge = startEdge;
        std::int64_t s = static_cast<std::int64_t>(first);
        while (s >= 0 && !used[static_cast<std::size_t>(s)]) {
            used[static_cast<std::size_t>(s)] = true;
            const auto& seg = segments[static_cast<std::size_t>(s)];
            edge = (seg.a == edge) ? seg.b : seg.a;
            if (edge == startEdge) {  // back to the start: a closed curve
                line.closed = true;
                break;
            }
            p = m.crossing(edge);
            line.append(p[0], p[1]);
            const auto& inc = incident.at(edge);
            s = (inc[0] == s) ? inc[1] : inc[0];
        }
        return line;
    };

    ContourLevel out;
    out.level = level;
    // Open chains first: start at segments with an end on an edge used only once.
    for (std::size_t s = 0; s < segments.size(); ++s) {
        if (used[s]) continue;
        for (const std::int64_t e : {segments[s].a, segments[s].b}) {
            const auto& inc = incident.at(e);
            if (!used[s] && (inc[0] < 0 || inc[1] < 0)) out.lines.push_back(walk(s, e));
        }
    }
    // The rest are cycles.
    for (std::size_t s = 0; s < segments.size(); ++s)
        if (!used[s]) out.lines.push_back(walk(s, segments[s].a));
    return out;
}

std::vector<ContourLevel> contourLines(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                       const Eigen::MatrixXd& V, const std::vector<double>& levels) {
    std::vector<ContourLevel> out;
    out.reserve(levels.size());
    for (const double c : levels) out.push_back(contourLines(x, y, V, c));
    return out;
}

Polyline nanSeparated(const std::vector<ContourSegment>& segments) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    Polyline out;
    out.x.reserve(segments.size() * 3);
    out.y.reserve(segments.size() * 3);
    for (const auto& s : segments) {
        out.append(s.x0, s.y0);
        out.append(s.x1, s.y1);
        out.append(nan, nan);
    }
    return out;
}

}  // namespace sd::analysis
