// Largest certified sublevel set and geometric contour levels on synthetic cases with known answers.
#include "core/analysis/certified_sublevel_set.h"
#include "core/analysis/contour_levels.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace sd::analysis;
using BoolGrid = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

namespace {

struct Paraboloid {
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(41, -2.0, 2.0);  // spacing 0.1
    Eigen::VectorXd y = x;
    Eigen::MatrixXd V;
    Paraboloid() {
        V.resize(41, 41);
        for (Eigen::Index j = 0; j < 41; ++j)
            for (Eigen::Index i = 0; i < 41; ++i) V(j, i) = x[i] * x[i] + y[j] * y[j];
    }
};

}  // namespace

class TestCertifiedSublevelSet : public QObject {
    Q_OBJECT

private slots:
    void limitedByFailingPoints() {
        const Paraboloid p;
        BoolGrid holds = BoolGrid::Constant(41, 41, true);
        for (Eigen::Index i = 0; i < 41; ++i)
            if (p.x[i] > 1.15) holds.col(i).setConstant(false);  // fails for x ≥ 1.2
        const CertifiedSublevelSet s = largestCertifiedSublevelSet(p.x, p.y, p.V, holds);
        QVERIFY(s.found);
        QCOMPARE(s.limit, SublevelLimit::ConditionFails);
        // the first failing node to join is (1.2, 0) at V = 1.44. The largest grid value below it is
        // 1.37 = 1.1² + 0.4² (138 … 143 are not sums of two squares) — or a rounded copy of 1.44 at a
        // good node such as (0, 1.2) when it happens to be a few ulps smaller than the failing one.
        QVERIFY(std::abs(s.blockingLevel - 1.44) < 1e-9);
        QVERIFY(std::abs(s.blockingX - 1.2) < 1e-9 && std::abs(s.blockingY) < 1e-9);
        QVERIFY2(s.level > 1.37 - 1e-9 && s.level < s.blockingLevel, qPrintable(QString::number(s.level, 'g', 17)));
        QVERIFY(std::abs(s.minimumX) < 1e-12 && std::abs(s.minimumY) < 1e-12);
        QCOMPARE(s.region.count(), (p.V.array() <= s.level).count());  // no saddles: minimax = V
        QVERIFY(!(s.region && !holds).any());
    }

    void limitedByTheBox() {
        const Paraboloid p;
        const CertifiedSublevelSet s = largestCertifiedSublevelSet(p.x, p.y, p.V, BoolGrid::Constant(41, 41, true));
        QVERIFY(s.found);
        QCOMPARE(s.limit, SublevelLimit::Boundary);
        QVERIFY(std::abs(s.blockingLevel - 4.0) < 1e-9);  // the border nodes (±2, 0), (0, ±2)
        QVERIFY(std::abs(s.level - 3.97) < 1e-9);         // 1.9² + 0.6²
        QVERIFY(!s.region.row(0).any() && !s.region.col(40).any());
    }

    void componentOfTheMinimumOnly() {
        // two wells; the deeper one (x = −1) is certified up to the saddle between them, where the
        // shallower well, which contains failing nodes, would join
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(121, -3.0, 3.0);
        const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(81, -2.0, 2.0);
        Eigen::MatrixXd V(81, 121);
        BoolGrid holds = BoolGrid::Constant(81, 121, true);
        for (Eigen::Index j = 0; j < 81; ++j)
            for (Eigen::Index i = 0; i < 121; ++i) {
                const double a = x[i], b = y[j];
                V(j, i) = std::min((a + 1) * (a + 1), 0.1 + (a - 1) * (a - 1)) + b * b;
                if (a > 0.5) holds(j, i) = false;  // the right well fails
            }
        const auto s = largestCertifiedSublevelSet(x, y, V, holds);
        QVERIFY(s.found);
        QCOMPARE(s.limit, SublevelLimit::ConditionFails);
        QVERIFY(std::abs(s.minimumX + 1.0) < 1e-9);
        QVERIFY(s.level < s.blockingLevel);
        // on the grid the pass between the wells is the node (0.05, 0): V = min(1.05², 0.1 + 0.95²) = 1.0025;
        // just below it, the component of the left well reaches V = 1 at (0, 0)
        QVERIFY2(std::abs(s.blockingLevel - 1.0025) < 1e-9, qPrintable(QString::number(s.blockingLevel, 'g', 17)));
        QVERIFY(std::abs(s.level - 1.0) < 1e-9);
        QVERIFY(!(s.region && !holds).any());
        QVERIFY(s.region.count() > 10);
    }

    void minimumFailingGivesNothing() {
        const Paraboloid p;
        BoolGrid holds = BoolGrid::Constant(41, 41, true);
        holds(20, 20) = false;  // a strict decrease test fails at the equilibrium itself
        const auto s = largestCertifiedSublevelSet(p.x, p.y, p.V, holds);
        QVERIFY(!s.found);
        QVERIFY(std::isnan(s.level));
        QVERIFY(!s.region.any());
    }

    void nanValuesBlock() {
        Paraboloid p;
        p.V(20, 25) = std::numeric_limits<double>::quiet_NaN();  // node (0.5, 0)
        const auto s = largestCertifiedSublevelSet(p.x, p.y, p.V, BoolGrid::Constant(41, 41, true));
        QVERIFY(s.found);
        QCOMPARE(s.limit, SublevelLimit::ConditionFails);
        QVERIFY(s.level < 0.25);  // blocked as soon as a neighbour (V = 0.16 … 0.26) joins
    }

    void rejectsBadArguments() {
        const Paraboloid p;
        QVERIFY_THROWS_EXCEPTION(sd::Error, largestCertifiedSublevelSet(p.x, p.y, p.V, BoolGrid::Constant(40, 41, true)));
        QVERIFY_THROWS_EXCEPTION(sd::Error, largestCertifiedSublevelSet(p.x.reverse(), p.y, p.V, BoolGrid::Constant(41, 41, true)));
        QVERIFY_THROWS_EXCEPTION(sd::Error,
                                 largestCertifiedSublevelSet(p.x, p.y,
                                                             Eigen::MatrixXd::Constant(41, 41, std::numeric_limits<double>::quiet_NaN()),
                                                             BoolGrid::Constant(41, 41, true)));
    }

    void geometricLevelsHalve() {
        const std::vector<double> expected{1.0, 2.0, 4.0};
        QVERIFY(geometricLevels(8.0, 3) == expected);
        QVERIFY(geometricLevels(8.0, 0).empty());
        QVERIFY_THROWS_EXCEPTION(sd::Error, geometricLevels(0.0, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, geometricLevels(std::numeric_limits<double>::infinity(), 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, geometricLevels(1.0, -1));
        Eigen::MatrixXd V(2, 2);
        V << 1.0, std::numeric_limits<double>::quiet_NaN(), 3.0, -2.0;
        QCOMPARE(finiteMax(V), 3.0);
        QVERIFY(std::isnan(finiteMax(Eigen::MatrixXd::Constant(2, 2, std::numeric_limits<double>::quiet_NaN()))));
    }
};

QTEST_APPLESS_MAIN(TestCertifiedSublevelSet)
#include "test_certified_sublevel_set.moc"
