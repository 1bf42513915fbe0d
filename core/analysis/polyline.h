#pragma once
// sd::analysis::Polyline — the plain 2-D polyline every plotting algorithm of sd::analysis returns,
// and its NaN-separated flat form (one QCPCurve/QCPGraph per set: a NaN point breaks the line).
#include <cstddef>
#include <vector>

namespace sd::analysis {

/// Vertices (x[k], y[k]) in data units, joined in order. `closed` means the last vertex joins back to
/// the first; the first vertex is NOT repeated at the end (nanSeparated() repeats it when drawing).
struct Polyline {
    std::vector<double> x;
    std::vector<double> y;
    bool closed = false;

    std::size_t size() const { return x.size(); }
    bool empty() const { return x.empty(); }
    void append(double px, double py) {
        x.push_back(px);
        y.push_back(py);
    }
};

/// All `lines` in one open polyline, each followed by one NaN vertex (x = y = NaN). A closed line is
/// written with its first vertex repeated at the end so the drawn curve closes. Empty lines are skipped;
/// no lines gives an empty result. The result's `closed` is false.
Polyline nanSeparated(const std::vector<Polyline>& lines);

}  // namespace sd::analysis
