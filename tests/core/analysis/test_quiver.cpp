// Quiver geometry: NaN-separated shafts and heads, heads sized in pixels under unequal axis scales.
#include "core/analysis/quiver.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace sd::analysis;

class TestQuiver : public QObject {
    Q_OBJECT

private slots:
    void shaftAndPixelSizedHead() {
        Eigen::MatrixXd p(2, 1), v(2, 1);
        p << 0.0, 0.0;
        v << 1.0, 0.0;
        QuiverOptions o;
        o.headLengthPixels = 10.0;
        o.headHalfAngle = M_PI / 6.0;
        o.pixelsPerUnitX = 100.0;
        o.pixelsPerUnitY = 50.0;
        const Polyline q = quiverGeometry(p, v, o);
        QCOMPARE(q.size(), std::size_t(7));
        QCOMPARE(q.x[0], 0.0);
        QCOMPARE(q.x[1], 1.0);
        QVERIFY(std::isnan(q.x[2]) && std::isnan(q.y[2]) && std::isnan(q.x[6]));
        QCOMPARE(q.x[4], 1.0);  // tip in the middle of the head
        // barbs 10 px back at ±30°: (1 − 10·cos30°/100, ±10·sin30°/50)
        const double bx = 1.0 - 10.0 * std::cos(M_PI / 6) / 100.0, by = 10.0 * std::sin(M_PI / 6) / 50.0;
        QVERIFY(std::abs(q.x[3] - bx) < 1e-12 && std::abs(q.x[5] - bx) < 1e-12);
        QVERIFY(std::abs(std::abs(q.y[3]) - by) < 1e-12 && std::abs(q.y[3] + q.y[5]) < 1e-12);
        // in pixels, both barbs are 10 px long
        QVERIFY(std::abs(std::hypot((q.x[3] - 1.0) * 100.0, q.y[3] * 50.0) - 10.0) < 1e-9);
    }

    void lengthModes() {
        Eigen::MatrixXd p(2, 3), v(2, 3);
        p << 1, 2, 3,  //
            1, 1, 1;
        v << 3, 0, std::numeric_limits<double>::quiet_NaN(),  //
            4, 0, 1;
        QuiverOptions o;
        o.lengthScale = 0.5;
        o.headLengthPixels = 0.0;  // shafts only
        Polyline q = quiverGeometry(p, v, o);
        QCOMPARE(q.size(), std::size_t(3));  // zero and NaN vectors are skipped
        QVERIFY(std::abs(q.x[1] - 2.5) < 1e-12 && std::abs(q.y[1] - 3.0) < 1e-12);
        o.proportionalLength = false;
        q = quiverGeometry(p, v, o);
        QVERIFY(std::abs(q.x[1] - 1.3) < 1e-12 && std::abs(q.y[1] - 1.4) < 1e-12);
        QCOMPARE(quiverScaleForLongest(v.leftCols(2), 0.1), 0.02);
    }

    void rejectsBadArguments() {
        QVERIFY_THROWS_EXCEPTION(sd::Error, quiverGeometry(Eigen::MatrixXd(2, 2), Eigen::MatrixXd(2, 3), {}));
        QuiverOptions o;
        o.pixelsPerUnitY = 0.0;
        QVERIFY_THROWS_EXCEPTION(sd::Error, quiverGeometry(Eigen::MatrixXd::Zero(2, 1), Eigen::MatrixXd::Ones(2, 1), o));
    }
};

QTEST_APPLESS_MAIN(TestQuiver)
#include "test_quiver.moc"
