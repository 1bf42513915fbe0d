// Min/max per pixel column decimation: every column keeps its extremes, line breaks survive, and a
// rasterised line plot of the decimated curve lights exactly the pixels of the full curve.
#include "core/analysis/decimation.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

using namespace sd::analysis;

namespace {

/// A deterministic noisy curve on [0, 1].
void makeCurve(std::size_t n, std::vector<double>& x, std::vector<double>& y) {
    x.resize(n);
    y.resize(n);
    std::uint64_t state = 12345;
    for (std::size_t k = 0; k < n; ++k) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const double noise = static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
        x[k] = static_cast<double>(k) / static_cast<double>(n - 1);
        y[k] = std::sin(12.0 * x[k]) + 0.3 * noise;
    }
}

/// Pixels lit by a line plot at width × height over [0,1] × [−2, 2], segments sampled finely.
std::set<std::pair<int, int>> rasterise(const std::vector<double>& x, const std::vector<double>& y, int width,
                                        int height) {
    auto px = [&](double v) { return std::min(static_cast<int>(std::floor(v * width)), width - 1); };
    auto py = [&](double v) { return std::min(static_cast<int>(std::floor((v + 2.0) / 4.0 * height)), height - 1); };
    std::set<std::pair<int, int>> lit;
    for (std::size_t k = 0; k + 1 < x.size(); ++k) {
        if (!std::isfinite(y[k]) || !std::isfinite(y[k + 1])) continue;
        const int steps = 8 * (std::abs(px(x[k + 1]) - px(x[k])) + std::abs(py(y[k + 1]) - py(y[k]))) + 2;
        for (int s = 0; s <= steps; ++s) {
            const double t = static_cast<double>(s) / steps;
            lit.insert({px(x[k] + t * (x[k + 1] - x[k])), py(y[k] + t * (y[k + 1] - y[k]))});
        }
    }
    return lit;
}

}  // namespace

class TestDecimation : public QObject {
    Q_OBJECT

private slots:
    void keepsMinAndMaxOfEveryColumn() {
        std::vector<double> x, y;
        makeCurve(20000, x, y);
        const int columns = 300;
        const DecimatedCurve d = decimateMinMax(x, y, 0.0, 1.0, columns);
        QVERIFY(d.x.size() <= 4 * static_cast<std::size_t>(columns));
        QVERIFY(d.x.size() >= 2 * static_cast<std::size_t>(columns));
        QCOMPARE(d.x.front(), x.front());
        QCOMPARE(d.x.back(), x.back());
        auto column = [&](double v) { return std::min(static_cast<int>(std::floor(v * columns)), columns - 1); };
        std::vector<double> fullMin(columns, 1e300), fullMax(columns, -1e300), keptMin = fullMin, keptMax = fullMax;
        for (std::size_t k = 0; k < x.size(); ++k) {
            fullMin[column(x[k])] = std::min(fullMin[column(x[k])], y[k]);
            fullMax[column(x[k])] = std::max(fullMax[column(x[k])], y[k]);
        }
        for (std::size_t k = 0; k < d.x.size(); ++k) {
            keptMin[column(d.x[k])] = std::min(keptMin[column(d.x[k])], d.y[k]);
            keptMax[column(d.x[k])] = std::max(keptMax[column(d.x[k])], d.y[k]);
        }
        for (int c = 0; c < columns; ++c) {
            QCOMPARE(keptMin[c], fullMin[c]);
            QCOMPARE(keptMax[c], fullMax[c]);
        }
    }

    void renderingIsIdentical() {
        std::vector<double> x, y;
        makeCurve(50000, x, y);
        const int width = 400, height = 300;
        const DecimatedCurve d = decimateMinMax(x, y, 0.0, 1.0, width);
        QVERIFY(d.x.size() < x.size() / 20);
        QVERIFY(rasterise(x, y, width, height) == rasterise(d.x, d.y, width, height));
    }

    void lineBreaksAndOffscreenPointsSurvive() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<double> x{-5, -4, -3, 0.1, 0.11, 0.12, 0.13, 0.5, 0.51, 2, 3, 4};
        const std::vector<double> y{1, 9, 2, 0, 5, nan, 7, 1, 2, 3, 8, 4};
        const auto kept = decimateMinMaxIndices(x, y, 0.0, 1.0, 10);
        const std::vector<std::size_t> expected{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        QVERIFY(kept == expected);  // every run here has ≤ 4 points
        std::vector<double> xs, ys;
        for (int k = 0; k < 100; ++k) {
            xs.push_back(-1.0 - k);  // 100 offscreen points to the left … decreasing x, one run
            ys.push_back(k % 7);
        }
        const auto k2 = decimateMinMaxIndices(xs, ys, 0.0, 1.0, 10);
        QVERIFY(k2.size() <= 4);
        QCOMPARE(k2.front(), std::size_t(0));
        QCOMPARE(k2.back(), std::size_t(99));
    }

    void rejectsBadArguments() {
        const std::vector<double> a{0, 1}, b{0};
        QVERIFY_THROWS_EXCEPTION(sd::Error, decimateMinMaxIndices(a, b, 0, 1, 10));
        QVERIFY_THROWS_EXCEPTION(sd::Error, decimateMinMaxIndices(a, a, 0, 1, 0));
        QVERIFY_THROWS_EXCEPTION(sd::Error, decimateMinMaxIndices(a, a, 1, 1, 10));
    }
};

QTEST_APPLESS_MAIN(TestDecimation)
#include "test_decimation.moc"
