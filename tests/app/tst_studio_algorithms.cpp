// The plotting algorithms the studio draws with (analysis_bridge): streamlines, marching squares and
// TensorBoard smoothing, checked against analytic fields and hand-computed values.
#include "app/studio/analysis_bridge.h"

#include <QtTest>
#include <cmath>

using namespace sd::studio;

class TestStudioAlgorithms : public QObject {
    Q_OBJECT
private slots:
    void levelSetOfParaboloidIsCircle() {
        Grid2 g;
        g.x0 = g.y0 = -2;
        g.x1 = g.y1 = 2;
        g.nx = g.ny = 81;
        Eigen::MatrixXd F(g.ny, g.nx);
        for (int i = 0; i < g.ny; ++i)
            for (int j = 0; j < g.nx; ++j) F(i, j) = g.x(j) * g.x(j) + g.y(i) * g.y(i);
        const double c = 1.44, spacing = 4.0 / 80;
        const Polyline p = levelSet(g, F, c);
        int points = 0;
        for (std::size_t k = 0; k < p.x.size(); ++k) {
            if (std::isnan(p.x[k])) continue;
            ++points;
            QVERIFY(std::abs(std::hypot(p.x[k], p.y[k]) - std::sqrt(c)) < spacing);
        }
        QVERIFY(points > 100);
    }

    void levelSetSkipsNaNCells() {
        Grid2 g;
        g.nx = g.ny = 2;
        Eigen::MatrixXd F(2, 2);
        F << 0, 1, std::nan(""), 0;
        QVERIFY(levelSet(g, F, 0.5).x.empty());
    }

    void saddleCasesGiveTwoSegments() {
        Grid2 g;
        g.nx = g.ny = 2;
        g.x0 = g.y0 = 0;
        g.x1 = g.y1 = 1;
        for (const bool centreAbove : {true, false}) {
            Eigen::MatrixXd F(2, 2);   // rows = y: bottom-left/right, top-left/right
            const double hi = centreAbove ? 3 : 1.2;
            F << hi, 0, 0, hi;         // bottom-left and top-right above 1
            const Polyline p = levelSet(g, F, 1.0);
            int segments = 0;
            for (double v : p.x) segments += std::isnan(v);
            QCOMPARE(segments, 2);
        }
    }

    void streamlinesOfRotationAreCircles() {
        Grid2 g;
        g.x0 = g.y0 = -1;
        g.x1 = g.y1 = 1;
        g.nx = g.ny = 60;
        Eigen::MatrixXd U(g.ny, g.nx), V(g.ny, g.nx);
        for (int i = 0; i < g.ny; ++i)
            for (int j = 0; j < g.nx; ++j) {
                U(i, j) = -g.y(i);
                V(i, j) = g.x(j);
            }
        const Streamlines s = computeStreamlines(g, U, V, 1.0);
        QVERIFY(s.lines.size() > 5);
        for (const auto& line : s.lines) {
            double mean = 0;
            for (std::size_t k = 0; k < line.x.size(); ++k) mean += std::hypot(line.x[k], line.y[k]);
            mean /= line.x.size();
            if (mean < 0.1) continue;   // near the centre the grid interpolation dominates
            double var = 0;
            for (std::size_t k = 0; k < line.x.size(); ++k) var += std::pow(std::hypot(line.x[k], line.y[k]) - mean, 2);
            QVERIFY2(std::sqrt(var / line.x.size()) < 0.03 * std::max(mean, 0.3), "streamline is not a circle");
        }
        QVERIFY(!s.arrows.empty());
    }

    void streamlinesAreDeterministic() {
        Grid2 g;
        Eigen::MatrixXd U = Eigen::MatrixXd::Constant(g.ny, g.nx, 1.0), V = Eigen::MatrixXd::Constant(g.ny, g.nx, 0.5);
        const auto a = computeStreamlines(g, U, V), b = computeStreamlines(g, U, V);
        QCOMPARE(a.lines.size(), b.lines.size());
        for (std::size_t k = 0; k < a.lines.size(); ++k) QVERIFY(a.lines[k].x == b.lines[k].x);
    }

    void emaMatchesTensorBoard() {
        const auto s = smoothEma({1.0, 2.0, std::nan(""), 3.0}, 0.6);
        QCOMPARE(s[0], 1.0);                          // debiased: the first point is the raw point
        QVERIFY(std::abs(s[1] - (0.6 * 0.4 + 0.4 * 2.0) / (1 - 0.36)) < 1e-12);
        QVERIFY(std::isnan(s[2]));                    // non-finite values pass through
        const double a3 = 0.6 * (0.6 * 0.4 + 0.8) + 0.4 * 3.0;
        QVERIFY(std::abs(s[3] - a3 / (1 - 0.216)) < 1e-12);
        QCOMPARE(smoothEma({5.0, 7.0}, 0.0)[1], 7.0);
    }
};

QTEST_APPLESS_MAIN(TestStudioAlgorithms)
#include "tst_studio_algorithms.moc"
