#include "app/studio/color_maps.h"

#include <algorithm>
#include <array>

namespace sd::studio {

namespace {
// Eleven samples of matplotlib's viridis / magma (CC0), linearly interpolated by QCPColorGradient.
constexpr std::array<unsigned, 11> kViridis = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                               0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
constexpr std::array<unsigned, 11> kMagma = {0x000004, 0x140e36, 0x3b0f70, 0x641a80, 0x8c2981, 0xb73779,
                                             0xde4968, 0xf7705c, 0xfe9f6d, 0xfecf92, 0xfcfdbf};
// Tableau 10: distinguishable on white, also for common colour-vision deficiencies.
constexpr std::array<unsigned, 10> kRuns = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                            0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

template <std::size_t N>
QCPColorGradient gradientFrom(const std::array<unsigned, N>& stops) {
    QCPColorGradient g;
    g.clearColorStops();
    for (std::size_t k = 0; k < N; ++k) g.setColorStopAt(double(k) / (N - 1), QColor::fromRgb(stops[k]));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    return g;
}
}  // namespace

QCPColorGradient viridisGradient() { return gradientFrom(kViridis); }
QCPColorGradient magmaGradient() { return gradientFrom(kMagma); }

QColor runColor(int index) { return QColor::fromRgb(kRuns[static_cast<std::size_t>(index) % kRuns.size()]); }

QColor viridisAt(double t) {
    t = std::clamp(t, 0.0, 1.0);
    const double pos = t * (kViridis.size() - 1);
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(pos), kViridis.size() - 2);
    const double f = pos - k;
    const QColor a = QColor::fromRgb(kViridis[k]), b = QColor::fromRgb(kViridis[k + 1]);
    return QColor::fromRgbF(a.redF() + f * (b.redF() - a.redF()), a.greenF() + f * (b.greenF() - a.greenF()),
                            a.blueF() + f * (b.blueF() - a.blueF()));
}

}  // namespace sd::studio
