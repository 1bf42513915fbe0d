// core/systems reaction–diffusion generator (docs/methods/systems.md §5).
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/systems/reaction_diffusion.h"
#include "test_support.h"

using namespace sd::systems;

class TestReactionDiffusion : public QObject {
    Q_OBJECT
private slots:
    void gridConstants() {
        const ReactionDiffusion pde;
        QVERIFY(std::abs(pde.spacing() - 0.2) < 1e-15);
        QVERIFY(std::abs(pde.timeStep() - 0.004) < 1e-15);
        QVERIFY(std::abs(pde.samplePeriod() - 0.016) < 1e-15);
    }

    void boundaryNodesEqualInput() {
        const ReactionDiffusion pde;
        sd::Rng rng(1);
        const Eigen::VectorXd x = rng.uniformMatrix(51, 1, 0.0, 1.0);
        const Eigen::VectorXd y = pde.step(x, 0.37);
        QCOMPARE(y[0], 0.37);
        QCOMPARE(y[50], 0.37);
    }

    void zeroStaysZero() {
        const ReactionDiffusion pde;
        Eigen::VectorXd x = Eigen::VectorXd::Zero(51);
        for (int t = 0; t < 200; ++t) x = pde.step(x, 0.0);
        QVERIFY(x.isZero(0.0));
    }

    void oneStepIsFourHandComputedEulerSubsteps() {
        ReactionDiffusionParams p;
        p.nodes = 5;
        p.length = 1.0;   // Δz = 0.25, Δt = 0.1 · 0.0625 = 0.00625
        p.measurementNode = 2;
        const ReactionDiffusion pde(p);
        Eigen::VectorXd x(5);
        x << 0.1, 0.9, 0.4, 0.7, 0.2;
        const double b = 0.6, dz = 0.25, dt = 0.1 * dz * dz;
        Eigen::VectorXd h = x;
        for (int s = 0; s < 4; ++s) {
            const Eigen::VectorXd old = h;
            for (int i = 1; i <= 3; ++i) {
                const double xi = old[i];
                const double lap = (old[i - 1] + old[i + 1] - 2 * xi) / (dz * dz);
                const double reaction = xi * (1 - xi) * (xi - 0.5);   // coded without ½, halved in the update
                h[i] = xi + dt * (lap + reaction / 2);
            }
            h[0] = b;
            h[4] = b;
        }
        const Eigen::VectorXd got = pde.step(x, b);
        QVERIFY2((got - h).norm() < 1e-15, qPrintable(QString::number((got - h).norm())));
        QCOMPARE(pde.measure(got, b), Eigen::Vector2d(b, got[2]));
    }

    void datasetFollowsRecipe() {
        ReactionDiffusionDataOptions o;
        o.samples = 500;
        o.testSamples = 50;
        sd::Rng rng(3);
        const auto ds = generateReactionDiffusionData(o, rng);
        QCOMPARE(ds.trajectories.size(), std::size_t(2));
        const auto& tr = ds.trajectories[0];
        QCOMPARE(tr.x.rows(), Eigen::Index(51));
        QCOMPARE(tr.x.cols(), Eigen::Index(500));
        QCOMPARE(tr.u.rows(), Eigen::Index(1));
        QCOMPARE(tr.y.rows(), Eigen::Index(2));
        QVERIFY(tr.x.col(0).isZero(0.0));
        QCOMPARE(tr.u(0, 0), 0.0);
        QVERIFY(tr.u.minCoeff() >= 0.0 && tr.u.maxCoeff() <= 1.0);
        const ReactionDiffusion pde;
        for (Eigen::Index t : {0, 10, 250, 498}) {
            QVERIFY((tr.x.col(t + 1) - pde.step(tr.x.col(t), tr.u(0, t))).norm() == 0.0);
            QCOMPARE(tr.x(0, t + 1), tr.u(0, t));
            QCOMPARE(tr.y(0, t), tr.u(0, t));
            QCOMPARE(tr.y(1, t), tr.x(24, t));
        }
        QVERIFY(ds.trajectories[1].x.col(0).isOnes(0.0));
        QCOMPARE(ds.trajectories[1].u(0, 0), 0.5);
        QCOMPARE(ds.outputNames, (std::vector<std::string>{"b", "xi_mid"}));
        QVERIFY(std::abs(tr.t[2] - 0.032) < 1e-15);
    }
};

QTEST_APPLESS_MAIN(TestReactionDiffusion)
#include "test_reaction_diffusion.moc"
