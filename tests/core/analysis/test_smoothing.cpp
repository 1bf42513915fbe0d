// TensorBoard's debiased EMA: hand-computed values for w = 0.6, pass-through of NaN/Inf, first point.
#include "core/analysis/smoothing.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace sd::analysis;

class TestSmoothing : public QObject {
    Q_OBJECT

private slots:
    void handComputedWeight06() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        const std::vector<double> raw{1.0, 2.0, 3.0, nan, 4.0, inf, -inf};
        const std::vector<double> s = smoothTensorBoard(raw, 0.6);
        QCOMPARE(s.size(), raw.size());
        // a1 = 0.4            → 0.4 / 0.4      = 1
        // a2 = 0.24 + 0.8     → 1.04 / 0.64    = 1.625
        // a3 = 0.624 + 1.2    → 1.824 / 0.784  = 2.326530612…
        // a4 = 1.0944 + 1.6   → 2.6944 / 0.8704 = 3.095588235…
        QVERIFY(std::abs(s[0] - 1.0) < 1e-14);
        QVERIFY(std::abs(s[1] - 1.625) < 1e-14);
        QVERIFY(std::abs(s[2] - 1.824 / 0.784) < 1e-14);
        QVERIFY(std::isnan(s[3]));
        QVERIFY(std::abs(s[4] - 2.6944 / 0.8704) < 1e-14);
        QCOMPARE(s[5], inf);
        QCOMPARE(s[6], -inf);
    }

    void firstPointEqualsRaw() {
        for (const double w : {0.0, 0.3, 0.6, 0.9, 0.99, 0.999}) {
            const std::vector<double> raw{7.25, -1.0, 3.0};
            QCOMPARE(smoothTensorBoard(raw, w).front(), 7.25);
        }
        // the first FINITE point, after leading NaNs
        const std::vector<double> raw{std::numeric_limits<double>::quiet_NaN(), 5.0, 6.0};
        QCOMPARE(smoothTensorBoard(raw, 0.6)[1], 5.0);
    }

    void weightZeroIsIdentityAndEmptyIsEmpty() {
        const std::vector<double> raw{3.0, -2.0, 8.5};
        QVERIFY(smoothTensorBoard(raw, 0.0) == raw);
        QVERIFY(smoothTensorBoard(std::vector<double>{}, 0.6).empty());
    }

    void oneAtATimeEqualsTheWholeSequence() {
        // A live curve smooths each new point as it arrives: bit-identical to smoothing the whole history.
        const std::vector<double> raw = {3.0, 2.5, std::nan(""), 2.0, 1e6, 1.5, -1.0, std::numeric_limits<double>::infinity(), 0.25};
        for (double w : {0.0, 0.6, 0.95}) {
            const auto whole = smoothTensorBoard(raw, w);
            TensorBoardSmoother s(w);
            for (std::size_t k = 0; k < raw.size(); ++k) {
                const double one = s.push(raw[k]);
                QVERIFY((std::isnan(one) && std::isnan(whole[k])) || one == whole[k]);
            }
        }
        QVERIFY_THROWS_EXCEPTION(sd::Error, TensorBoardSmoother(1.0));
    }

    void rejectsBadWeight() {
        const std::vector<double> raw{1.0};
        QVERIFY_THROWS_EXCEPTION(sd::Error, smoothTensorBoard(raw, 1.0));
        QVERIFY_THROWS_EXCEPTION(sd::Error, smoothTensorBoard(raw, -0.1));
        QVERIFY_THROWS_EXCEPTION(sd::Error, smoothTensorBoard(raw, std::numeric_limits<double>::quiet_NaN()));
    }
};

QTEST_APPLESS_MAIN(TestSmoothing)
#include "test_smoothing.moc"
