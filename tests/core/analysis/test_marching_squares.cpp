// Marching squares on analytic fields: circles for x² + y², both saddle cases on 2×2 grids, masked
// cells, open chains, several components, the NaN-separated form and bad arguments.
#include "core/analysis/marching_squares.h"
#include "core/common/error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace sd::analysis;

namespace {

template <class F>
Eigen::MatrixXd sampleGrid(const Eigen::VectorXd& x, const Eigen::VectorXd& y, F&& f) {
    Eigen::MatrixXd V(y.size(), x.size());
    for (Eigen::Index j = 0; j < y.size(); ++j)
        for (Eigen::Index i = 0; i < x.size(); ++i) V(j, i) = f(x[i], y[j]);
    return V;
}

/// A 2×2 grid on the unit square: corners bottom-left, bottom-right, top-right, top-left.
Eigen::MatrixXd cell(double bl, double br, double tr, double tl) {
    Eigen::MatrixXd V(2, 2);
    V << bl, br, tl, tr;  // row 0 is y = 0
    return V;
}

using Point = std::pair<double, double>;

bool near(Point a, Point b) { return std::hypot(a.first - b.first, a.second - b.second) < 1e-12; }

/// The segment joins a and b, in either order.
bool hasSegment(const std::vector<ContourSegment>& segments, Point a, Point b) {
    for (const auto& s : segments) {
        const Point p{s.x0, s.y0}, q{s.x1, s.y1};
        if ((near(p, a) && near(q, b)) || (near(p, b) && near(q, a))) return true;
    }
    return false;
}

}  // namespace

class TestMarchingSquares : public QObject {
    Q_OBJECT

private slots:
    void circleIsOneClosedChain_data() {
        QTest::addColumn<double>("level");
        QTest::newRow("c=1") << 1.0;
        QTest::newRow("c=0.3") << 0.3;
        QTest::newRow("c=2.5") << 2.5;
    }

    void circleIsOneClosedChain() {
        QFETCH(double, level);
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(41, -2.0, 2.0);
        const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(31, -2.0, 2.0);  // different spacing in y
        const Eigen::MatrixXd V = sampleGrid(x, y, [](double a, double b) { return a * a + b * b; });
        const ContourLevel c = contourLines(x, y, V, level);
        QCOMPARE(c.level, level);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QVERIFY(c.lines[0].closed);
        QVERIFY(c.lines[0].size() > 8);
        const double spacing = 4.0 / 30.0;
        for (std::size_t k = 0; k < c.lines[0].size(); ++k)
            QVERIFY(std::abs(std::hypot(c.lines[0].x[k], c.lines[0].y[k]) - std::sqrt(level)) < spacing);
        // the chain goes once round the origin: its winding angle is ±2π
        double turn = 0.0;
        const auto& p = c.lines[0];
        for (std::size_t k = 0; k < p.size(); ++k) {
            const std::size_t n = (k + 1) % p.size();
            double d = std::atan2(p.y[n], p.x[n]) - std::atan2(p.y[k], p.x[k]);
            if (d > M_PI) d -= 2 * M_PI;
            if (d < -M_PI) d += 2 * M_PI;
            turn += d;
        }
        QVERIFY(std::abs(std::abs(turn) - 2 * M_PI) < 1e-9);
        // the segment count equals the chain's vertex count (closed chain)
        QCOMPARE(contourSegments(x, y, V, level).size(), p.size());
    }

    void saddleFiveBothWays() {
        const Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(2, 0.0, 1.0);
        const Eigen::MatrixXd V = cell(1.0, 0.0, 1.0, 0.0);  // case 5: bl and tr above; centre 0.5
        // level 0.6: centre below → the above corners bl and tr are cut off on their own
        auto s = contourSegments(u, u, V, 0.6);
        QCOMPARE(s.size(), std::size_t(2));
        QVERIFY(hasSegment(s, {0.0, 0.4}, {0.4, 0.0}));
        QVERIFY(hasSegment(s, {1.0, 0.6}, {0.6, 1.0}));
        // level 0.4: centre above → bl and tr are joined through the centre; br and tl are cut off
        s = contourSegments(u, u, V, 0.4);
        QCOMPARE(s.size(), std::size_t(2));
        QVERIFY(hasSegment(s, {0.6, 0.0}, {1.0, 0.4}));
        QVERIFY(hasSegment(s, {0.4, 1.0}, {0.0, 0.6}));
    }

    void saddleTenBothWays() {
        const Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(2, 0.0, 1.0);
        const Eigen::MatrixXd V = cell(0.0, 1.0, 0.0, 1.0);  // case 10: br and tl above; centre 0.5
        auto s = contourSegments(u, u, V, 0.6);              // centre below: br and tl cut off
        QCOMPARE(s.size(), std::size_t(2));
        QVERIFY(hasSegment(s, {0.6, 0.0}, {1.0, 0.4}));
        QVERIFY(hasSegment(s, {0.4, 1.0}, {0.0, 0.6}));
        s = contourSegments(u, u, V, 0.4);  // centre above: br and tl joined; bl and tr cut off
        QCOMPARE(s.size(), std::size_t(2));
        QVERIFY(hasSegment(s, {0.0, 0.4}, {0.4, 0.0}));
        QVERIFY(hasSegment(s, {1.0, 0.6}, {0.6, 1.0}));
        // the joined polylines are two open chains
        const auto c = contourLines(u, u, V, 0.4);
        QCOMPARE(c.lines.size(), std::size_t(2));
        QVERIFY(!c.lines[0].closed && !c.lines[1].closed);
    }

    void allSixteenCasesOnOneCell() {
        const Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(2, 0.0, 1.0);
        for (int index = 0; index < 16; ++index) {
            const Eigen::MatrixXd V = cell(index & 1, (index >> 1) & 1, (index >> 2) & 1, (index >> 3) & 1);
            const auto s = contourSegments(u, u, V, 0.5);
            const std::size_t expected = (index == 0 || index == 15) ? 0 : (index == 5 || index == 10) ? 2 : 1;
            QCOMPARE(s.size(), expected);
            for (const auto& seg : s) {  // crossings at edge midpoints, on two different edges
                for (const double v : {seg.x0, seg.y0, seg.x1, seg.y1}) QVERIFY(v == 0.0 || v == 0.5 || v == 1.0);
                QVERIFY(!(seg.x0 == seg.x1 && seg.y0 == seg.y1));
            }
        }
    }

    void nanCellsGiveNoSegments() {
        const Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(2, 0.0, 1.0);
        QVERIFY(contourSegments(u, u, cell(0.0, 1.0, std::numeric_limits<double>::quiet_NaN(), 1.0), 0.5).empty());

        // a NaN node on the circle: the four cells around it are skipped and the chain opens
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(41, -2.0, 2.0);
        Eigen::MatrixXd V = sampleGrid(x, x, [](double a, double b) { return a * a + b * b; });
        V(20, 30) = std::numeric_limits<double>::quiet_NaN();  // node (1, 0)
        for (const auto& s : contourSegments(x, x, V, 1.0))
            for (const auto& [px, py] : {Point{s.x0, s.y0}, Point{s.x1, s.y1}})
                QVERIFY(!(px > 0.9 + 1e-9 && px < 1.1 - 1e-9 && py > -0.1 + 1e-9 && py < 0.1 - 1e-9));  // nothing inside those cells
        const auto c = contourLines(x, x, V, 1.0);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QVERIFY(!c.lines[0].closed);
        // a NaN level gives nothing
        QVERIFY(contourLines(x, x, V, std::numeric_limits<double>::quiet_NaN()).lines.empty());
    }

    void openChainAcrossTheGrid() {
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(11, 0.0, 1.0);
        const Eigen::MatrixXd V = sampleGrid(x, x, [](double a, double b) { return a + 0.2 * b; });
        const auto c = contourLines(x, x, V, 0.55);
        QCOMPARE(c.lines.size(), std::size_t(1));
        QVERIFY(!c.lines[0].closed);
        QVERIFY(c.lines[0].size() >= 11);  // at least one crossing per grid row
        for (std::size_t k = 0; k < c.lines[0].size(); ++k)
            QVERIFY(std::abs(c.lines[0].x[k] + 0.2 * c.lines[0].y[k] - 0.55) < 1e-12);
        const double y0 = c.lines[0].y.front(), y1 = c.lines[0].y.back();
        QVERIFY(std::abs(std::min(y0, y1)) < 1e-12 && std::abs(std::max(y0, y1) - 1.0) < 1e-12);  // ends on the border
    }

    void twoComponentsAndSeveralLevels() {
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(81, -2.0, 2.0);
        const Eigen::MatrixXd V = sampleGrid(x, x, [](double a, double b) {
            return std::min((a - 1) * (a - 1) + b * b, (a + 1) * (a + 1) + b * b);
        });
        const auto levels = contourLines(x, x, V, std::vector<double>{0.25, 0.5});
        QCOMPARE(levels.size(), std::size_t(2));
        for (const auto& c : levels) {
            QCOMPARE(c.lines.size(), std::size_t(2));
            QVERIFY(c.lines[0].closed && c.lines[1].closed);
        }
    }

    void nanSeparatedForms() {
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(21, -2.0, 2.0);
        const Eigen::MatrixXd V = sampleGrid(x, x, [](double a, double b) { return a * a + b * b; });
        const auto c = contourLines(x, x, V, 1.0);
        const Polyline flat = nanSeparated(c.lines);
        QCOMPARE(flat.size(), c.lines[0].size() + 2);  // closing vertex + NaN
        QCOMPARE(flat.x[flat.size() - 2], c.lines[0].x[0]);
        QVERIFY(std::isnan(flat.x.back()) && std::isnan(flat.y.back()));
        const auto segments = contourSegments(x, x, V, 1.0);
        const Polyline flatSegments = nanSeparated(segments);
        QCOMPARE(flatSegments.size(), 3 * segments.size());
        QVERIFY(std::isnan(flatSegments.x[2]));
    }

    void rejectsBadArguments() {
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, 0.0, 1.0);
        Eigen::VectorXd decreasing = x.reverse();
        const Eigen::MatrixXd V = Eigen::MatrixXd::Zero(5, 5);
        QVERIFY_THROWS_EXCEPTION(sd::Error, contourLines(decreasing, x, V, 0.0));
        QVERIFY_THROWS_EXCEPTION(sd::Error, contourSegments(x, x, Eigen::MatrixXd::Zero(4, 5), 0.0));
        try {
            contourLines(x, Eigen::VectorXd::LinSpaced(4, 0.0, 1.0), V, 0.0);
            QFAIL("accepted a wrong shape");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.what()).rfind("marchingSquares: V must be ny×nx = 4×5", 0) == 0, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestMarchingSquares)
#include "test_marching_squares.moc"
