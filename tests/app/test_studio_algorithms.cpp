// The widget-free helpers of the views: the conversions of core/analysis results to QCustomPlot
// (analysis_bridge), the data box, trajectory directions, the phase portrait's computation, the Lyapunov
// decrease condition, the sweep plan and Randomise. (The algorithms themselves are tested in core/analysis.)
#include "app/studio/analysis_bridge.h"
#include "app/studio/phase_portrait_compute.h"
#include "app/studio/state_box.h"
#include "app/studio/trajectory_integrator.h"
#include "app/studio/decrease_condition.h"
#include "app/studio/random_model.h"
#include "app/studio/sweep_plan.h"

#include <QtTest>
#include <qcustomplot.h>
#include <cmath>

using namespace sd::studio;

class TestStudioAlgorithms : public QObject {
    Q_OBJECT
private slots:
    void bridgeDrawsPolylinesAsTheyAre() {
        // NaN vertices stay line breaks; a closed polyline is closed by repeating its first vertex.
        QCustomPlot plot;
        sd::analysis::Polyline open;
        open.append(0, 0);
        open.append(1, 1);
        open.append(std::nan(""), std::nan(""));
        open.append(2, 2);
        QCPCurve* a = addPolyline(&plot, open, QPen(Qt::black));
        QCOMPARE(a->dataCount(), 4);
        QVERIFY(std::isnan(a->data()->at(2)->key));
        sd::analysis::Polyline ring;
        ring.append(0, 0);
        ring.append(1, 0);
        ring.append(0, 1);
        ring.closed = true;
        QCPCurve* b = addPolyline(&plot, ring, QPen(Qt::black));
        QCOMPARE(b->dataCount(), 4);
        QCOMPARE(b->data()->at(3)->key, 0.0);
        QCOMPARE(b->data()->at(3)->value, 0.0);
    }

    void bridgeFillsColourMapsInGridOrientation() {
        // values(j, i) sits at (x[i], y[j]): rows follow y.
        QCustomPlot plot;
        auto* map = new QCPColorMap(plot.xAxis, plot.yAxis);
        const auto g = sd::analysis::makePlaneGrid({0.0, 2.0, 10.0, 11.0}, 3, 2);
        Eigen::MatrixXd v(2, 3);
        v << 1, 2, 3, 4, 5, 6;
        setColorMapData(map, g, v, [](double x) { return 10 * x; });
        QCOMPARE(map->data()->keySize(), 3);
        QCOMPARE(map->data()->valueSize(), 2);
        QCOMPARE(map->data()->cell(2, 0), 30.0);
        QCOMPARE(map->data()->cell(0, 1), 40.0);
        QCOMPARE(map->data()->keyRange().upper, 2.0);
        QCOMPARE(map->data()->valueRange().lower, 10.0);
    }

    void stateBoxIsTheDataBoxOrTheDefault() {
        sd::data::Dataset ds;
        ds.stateNames = {"a", "b"};
        sd::data::Trajectory t1, t2;
        t1.t = Eigen::VectorXd::LinSpaced(2, 0, 1);
        t1.x.resize(2, 2);
        t1.x << -1, 3, 0, std::nan("");
        t2.t = t1.t;
        t2.x.resize(2, 2);
        t2.x << 2, 2, 5, -4;
        ds.trajectories = {t1, t2};
        const StateBox box = stateBox(&ds, 7);
        QVERIFY(box.fromData);
        QCOMPARE(box.low[0], -1.0);
        QCOMPARE(box.high[0], 3.0);
        QCOMPARE(box.low[1], -4.0);   // NaN ignored
        QCOMPARE(box.high[1], 5.0);
        const auto plane = planeBox(box, 0, 1, 0.1);
        QVERIFY(std::abs(plane.xMin - (-1.4)) < 1e-12 && std::abs(plane.yMax - 5.9) < 1e-12);
        const StateBox none = stateBox(nullptr, 3);
        QVERIFY(!none.fromData);
        QCOMPARE(none.dim(), Eigen::Index(3));
        QCOMPARE(none.low[2], -2.0);
    }

    void trajectoriesRunForwardBackwardOrBoth() {
        // ẋ = −x: forward decays, backward grows, both joins the halves at the start point.
        const VectorField f = [](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return -X; };
        IntegrationSettings s;
        s.step = 0.01;
        s.maxSteps = 100;
        const Eigen::Vector2d x0(1.0, -0.5);
        s.direction = IntegrationDirection::Forward;
        const auto fwd = integrateTrajectory(f, x0, s);
        QCOMPARE(fwd.startColumn, Eigen::Index(0));
        QVERIFY(std::abs(fwd.x(0, fwd.x.cols() - 1) - std::exp(-1.0)) < 1e-6);
        s.direction = IntegrationDirection::Backward;
        const auto back = integrateTrajectory(f, x0, s);
        QCOMPARE(back.startColumn, back.x.cols() - 1);
        QVERIFY(std::abs(back.x(0, 0) - std::exp(1.0)) < 1e-5);
        QCOMPARE(back.t[0], -1.0);
        s.direction = IntegrationDirection::Both;
        const auto both = integrateTrajectory(f, x0, s);
        QCOMPARE(both.x.cols(), fwd.x.cols() + back.x.cols() - 1);
        QVERIFY((both.x.col(both.startColumn) - x0).norm() == 0.0);
        for (Eigen::Index k = 1; k < both.t.size(); ++k) QVERIFY(both.t[k] > both.t[k - 1]);
    }

    void portraitMarksTheLyapunovOriginWhereNewtonCannotConverge() {
        // A field like the projected lyapunov-net one: unit speed towards 0 everywhere, discontinuous at 0
        // with a non-zero value there (the projection's 0/0 rule). Newton never gets ‖f‖ small.
        PortraitRequest rq;
        rq.field = [](const Eigen::MatrixXd& X) -> Eigen::MatrixXd {
            Eigen::MatrixXd F(2, X.cols());
            for (Eigen::Index k = 0; k < X.cols(); ++k) {
                const double n = X.col(k).norm();
                F.col(k) = n > 0 ? Eigen::Vector2d(-X.col(k) / n) : Eigen::Vector2d(0.3, 0.0);
            }
            return F;
        };
        rq.base = Eigen::Vector2d::Zero();
        rq.box = {-1.0, 1.0, -1.0, 1.0};
        rq.gridSize = 40;
        rq.equilibria = true;
        QVERIFY(computePortrait(rq, CancelToken()).equilibria.empty());
        rq.lyapunovOrigin = true;
        const PortraitResult r = computePortrait(rq, CancelToken());
        QCOMPARE(static_cast<int>(r.equilibria.size()), 1);
        QVERIFY(r.equilibria.front().byLyapunov);
        QCOMPARE(r.equilibria.front().x.norm(), 0.0);
        QCOMPARE(r.equilibria.front().residual, 0.3);
        // A slice that misses x = 0 (third component 0.5) or a box without it: no marker.
        rq.base = Eigen::Vector3d(0, 0, 0.5);
        rq.field = [](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return -X.array().sign().matrix(); };
        QVERIFY(computePortrait(rq, CancelToken()).equilibria.empty());
        rq.base = Eigen::Vector3d::Zero();
        rq.box = {0.5, 1.0, -1.0, 1.0};
        QVERIFY(computePortrait(rq, CancelToken()).equilibria.empty());
    }

    void portraitFindsEquilibriaAndNullclines() {
        // A linear saddle with its equilibrium at c: the nullclines are the lines x = c₀ and y = c₁.
        const Eigen::Vector2d c(0.5, -0.25);
        PortraitRequest rq;
        rq.field = [c](const Eigen::MatrixXd& X) -> Eigen::MatrixXd {
            Eigen::MatrixXd F(2, X.cols());
            F.row(0) = X.row(0).array() - c[0];
            F.row(1) = -(X.row(1).array() - c[1]);
            return F;
        };
        rq.base = Eigen::Vector2d::Zero();
        rq.box = {-1.0, 1.0, -1.0, 1.0};
        rq.gridSize = 41;
        rq.nullclines = rq.equilibria = true;
        const PortraitResult r = computePortrait(rq, CancelToken());
        QVERIFY(r.learned.lines.size() > 5);
        QCOMPARE(r.lineSpeed.size(), r.learned.lines.size());
        QCOMPARE(static_cast<int>(r.equilibria.size()), 1);
        QVERIFY((r.equilibria.front().x - c).norm() < 1e-8);
        QVERIFY(r.equilibria.front().type == sd::analysis::EquilibriumType::Saddle);
        int points = 0;
        for (std::size_t k = 0; k < r.nullclineX.size(); ++k)
            if (!std::isnan(r.nullclineX.x[k])) {
                ++points;
                QVERIFY(std::abs(r.nullclineX.x[k] - c[0]) < 1e-9);
            }
        QVERIFY(points >= 2);
        for (std::size_t k = 0; k < r.nullclineY.size(); ++k)
            if (!std::isnan(r.nullclineY.y[k])) QVERIFY(std::abs(r.nullclineY.y[k] - c[1]) < 1e-9);
        // A cancelled request stops between stages.
        auto flag = std::make_shared<std::atomic<bool>>(true);
        bool cancelled = false;
        try {
            computePortrait(rq, CancelToken(flag));
        } catch (const JobCancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
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

QTEST_MAIN(TestStudioAlgorithms)
#include "test_studio_algorithms.moc"
