#include "core/analysis/plot_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sd::analysis {

bool PlotModel::usesRightAxis() const {
    for (const auto& s : series)
        if (s.rightAxis) return true;
    return false;
}

const std::vector<unsigned>& viridisStops() {
    static const std::vector<unsigned> stops = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                                0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
    return stops;
}

std::string viridisHex(double t) {
    const auto& s = viridisStops();
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    const double pos = t * double(s.size() - 1);
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(pos), s.size() - 2);
    const double f = pos - double(k);
    auto channel = [&](int shift) {
        const double a = (s[k] >> shift) & 0xff, b = (s[k + 1] >> shift) & 0xff;
        return static_cast<int>(std::lround(a + f * (b - a)));
    };
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", channel(16), channel(8), channel(0));
    return buf;
}

std::vector<double> niceTicks(double lo, double hi, bool log) {
    std::vector<double> t;
    if (!(hi >= lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
    if (log) {
        if (!(lo > 0)) return t;
        const int a = static_cast<int>(std::ceil(std::log10(lo) - 1e-9)), b = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
        const int step = std::max(1, (b - a) / 6 + ((b - a) % 6 ? 1 : 0));
        for (int e = a; e <= b; e += step) t.push_back(std::pow(10.0, e));
        return t;
    }
    if (hi == lo) return {lo};
    const double raw = (hi - lo) / 5.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / mag;
    const double step = (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * mag;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) t.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
    return t;
}

}  // namespace sd::analysis
