// The plotting algorithms the studio draws with (analysis_bridge): streamlines, marching squares and
// TensorBoard smoothing, checked against analytic fields and hand-computed values; and the widget-free
// helpers of the views (the Lyapunov decrease condition, the sweep plan, Randomise).
#include "app/studio/analysis_bridge.h"
#include "app/studio/decrease_condition.h"
#include "app/studio/random_model.h"
#include "app/studio/sweep_plan.h"

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

    void decreaseConditionOnQuadraticV() {
        // V = |x|^2, f = -x: Vdot = -2|x|^2 = -2V, so it holds for alpha <= 2 (exactly at 2) and fails for 3
        // except at the origin, where both sides are 0.
        Eigen::MatrixXd X(2, 5);
        X << 0, 1, -1, 0.5, 2,
             0, 0, 1, -0.5, 2;
        const Eigen::RowVectorXd V = X.colwise().squaredNorm();
        const Eigen::MatrixXd grad = 2 * X, F = -X;
        for (double alpha : {0.0, 1.0, 2.0}) {
            const auto c = checkDecrease(V, grad, F, alpha);
            QCOMPARE(c.fraction, 1.0);
            QVERIFY(c.holds.all());
        }
        const auto c3 = checkDecrease(V, grad, F, 3.0);
        QCOMPARE(c3.fraction, 0.2);
        QVERIFY(c3.holds[0] && !c3.holds[1]);
        QVERIFY(std::abs(c3.vdot[4] - (-16.0)) < 1e-12);
        QVERIFY(std::abs(c3.margin[4] - 8.0) < 1e-12);
        // An expanding field fails away from the origin; a non-finite field never counts as holding.
        Eigen::MatrixXd G = X;
        G(0, 3) = std::nan("");
        const auto bad = checkDecrease(V, grad, G, 0.0);
        QVERIFY(bad.holds[0] && !bad.holds[1] && !bad.holds[3]);
        QVERIFY(std::isnan(bad.margin[3]));
        QCOMPARE(checkDecrease(Eigen::RowVectorXd(0), Eigen::MatrixXd(2, 0), Eigen::MatrixXd(2, 0), 1.0).fraction, 0.0);
    }

    void sweepValuesParse() {
        const auto v = parseSweepValues("1e-4, 1e-3;0.01  0.1", false, "lr");
        QCOMPARE(v.size(), std::size_t(4));
        QCOMPARE(v[0], 1e-4);
        QCOMPARE(v[3], 0.1);
        QCOMPARE(parseSweepValues("2,4", true, "n")[1], 4.0);
        for (const char* bad : {"", " , ", "1, x", "nan", "1.5"}) {
            bool threw = false;
            try {
                parseSweepValues(bad, QString(bad) == "1.5", "lr");
            } catch (const std::exception& e) {
                threw = QString(e.what()).contains("lr");
            }
            QVERIFY2(threw, bad);
        }
    }

    void sweepGridAndTable() {
        const nlohmann::json schema = nlohmann::json::parse(R"({"params": [
            {"key": "n", "type": "int", "default": 1}, {"key": "on", "type": "bool", "default": true},
            {"key": "lr", "type": "number", "default": 0.1, "log": true}]})");
        const auto params = sweepableParameters(schema);
        QCOMPARE(params.size(), std::size_t(2));
        QVERIFY(params[0].integer && !params[1].integer && params[1].log);
        SweepAxis a{"lr", {0.1, 0.2, 0.3}, false, true};
        SweepAxis b{"n", {1, 2}, true, false};
        const nlohmann::json base = {{"lr", 1.0}, {"n", 7}, {"on", false}};
        const auto grid = sweepConfigurations(base, a, b);
        QCOMPARE(grid.size(), std::size_t(6));
        QCOMPARE(grid[4].i, 1);
        QCOMPARE(grid[4].j, 1);
        QCOMPARE(grid[4].hyper["lr"].get<double>(), 0.2);
        QVERIFY(grid[4].hyper["n"].is_number_integer());
        QCOMPARE(grid[4].hyper["n"].get<int>(), 2);
        QCOMPARE(grid[4].hyper["on"].get<bool>(), false);
        QCOMPARE(sweepConfigurations(base, a, std::nullopt).size(), std::size_t(3));

        SweepResult ok;
        ok.a = 0.1;
        ok.b = 1;
        ok.error = 0.25;
        ok.metric = "relative error";
        ok.split = "validation";
        ok.verified = true;
        SweepResult bad = ok;
        bad.verified = false;
        SweepResult failed = ok;
        failed.failure = "bad \"thing\"";
        QVERIFY(!ok.masked() && bad.masked() && failed.masked());
        SweepResult diverged = ok;
        diverged.diverged = true;
        QVERIFY(diverged.masked());
        const std::string csv = sweepCsv(a, b, {ok, failed});
        QCOMPARE(QString::fromStdString(csv),
                 QString("lr,n,error,metric,split,verified,diverged,observed_sensitivity,failure\n"
                         "0.10000000000000001,1,0.25,relative error,validation,true,false,,\n"
                         "0.10000000000000001,1,0.25,relative error,validation,true,false,,\"bad \"\"thing\"\"\"\n"));
    }

    void randomSeedsAreNewAndInRange() {
        // Whether a plugin can be randomised is its own typed answer (ModelPlugin::isRandomisable; the GUI test
        // randomiseIsDisabledWithoutInitSeed covers a plugin that cannot).
        for (int k = 0; k < 50; ++k) {
            const auto seed = newRandomSeed(6, 5, 7);
            QVERIFY(seed == 5 || seed == 7);   // in range and never the previous seed
        }
        QCOMPARE(newRandomSeed(4, 4, 4), std::uint64_t(4));
        const auto info = randomModelInfo(nullptr);
        QCOMPARE(info.stateDim, Eigen::Index(2));
        QCOMPARE(info.inputDim, Eigen::Index(0));
    }

    void decreaseToleranceAbsorbsRounding() {
        // On the boundary Vdot = -alpha V up to rounding (what a projected stable model produces).
        Eigen::MatrixXd X(2, 1);
        X << 0.3, 0.7;
        const Eigen::RowVectorXd V = X.colwise().squaredNorm();
        const Eigen::MatrixXd F = -X * (1 + 1e-12);
        QVERIFY(checkDecrease(V, 2 * X, F, 2.0 * (1 + 1e-12) * (1 + 1e-10)).holds[0]);
        QVERIFY(!checkDecrease(V, 2 * X, F, 2.2).holds[0]);
    }
};

QTEST_APPLESS_MAIN(TestStudioAlgorithms)
#include "test_studio_algorithms.moc"
