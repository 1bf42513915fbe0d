// core/systems controlled Burgers (docs/methods/systems.md §4): energy-preserving convection, SPD diffusion,
// the quadratic-system form, the rosenbrock4 reference solver and the certified-ball envelope.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/ode/dopri5.h"
#include "core/systems/burgers.h"
#include "core/systems/burgers_data.h"
#include "core/systems/input_signals.h"
#include "test_support.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>

using namespace sd::systems;

class TestBurgers : public QObject {
    Q_OBJECT
private slots:
    void convectionIsEnergyPreserving() {
        const ControlledBurgers m;   // N = 250
        sd::Rng rng(4);
        for (int k = 0; k < 20; ++k) {
            const Eigen::VectorXd v = rng.normalMatrix(250, 1, 0.0, 2.0);
            const Eigen::VectorXd n = m.convection(v);
            QVERIFY(std::abs(v.dot(n)) <= 1e-12 * v.norm() * n.norm());
        }
        QCOMPARE(m.source().size(), Eigen::Index(250));
        QVERIFY(std::abs(m.grid()[0] - 1.0 / 251) < 1e-15);
        QVERIFY(std::abs(m.source()[62] - std::exp(-std::pow(63.0 / 251 - 0.25, 2) / (2 * 0.0025))) < 1e-14);
    }

    void diffusionIsNegativeDefinite() {
        const ControlledBurgers m(BurgersParams{60, 0.02});
        const Eigen::MatrixXd R = -0.02 * m.laplacian();
        QVERIFY(R.llt().info() == Eigen::Success);
        const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(R).eigenvalues();
        QVERIFY(std::abs(ev.minCoeff() - m.sigmaMinR()) < 1e-10 * m.sigmaMinR());
        QVERIFY(std::abs(m.sigmaMinR() - 0.02 * M_PI * M_PI) < 1e-3);
    }

    void quadraticFormAndJacobianMatchRhs() {
        const ControlledBurgers m(BurgersParams{20, 0.05});
        const QuadraticSystem q = m.asQuadraticSystem();
        q.validate();
        sd::Rng rng(8);
        for (int k = 0; k < 5; ++k) {
            const Eigen::VectorXd v = rng.normalMatrix(20, 1);
            const double u = rng.normal();
            const Eigen::VectorXd ref = m.rhs(v, u);
            QVERIFY((q.rhs(v, Eigen::VectorXd::Constant(1, u)) - ref).norm() < 1e-12 * ref.norm());
            QVERIFY(std::abs(v.dot(q.quadraticTerm(v))) < 1e-12 * v.squaredNorm() * v.norm() * 100);
            QVERIFY((q.jacobian(v) - m.jacobian(v)).norm() < 1e-10 * m.jacobian(v).norm());
        }
        QVERIFY_THROWS_EXCEPTION(sd::Error, (void)ControlledBurgers().asQuadraticSystem());
        QVERIFY_THROWS_EXCEPTION(sd::Error, (void)ControlledBurgers(BurgersParams{2, 0.02}));
    }

    void solverStaysInCertifiedBall() {
        const ControlledBurgers m(BurgersParams{40, 0.02});
        const double amplitude = 2.0;
        const auto u = squareWave(amplitude, 1.3);
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(201, 0.0, 10.0);
        const sd::ode::Solution s = m.simulate(u, times);
        QVERIFY2(s.status.completed(), s.status.message.c_str());
        const double radius = m.source().norm() * amplitude / m.sigmaMinR();
        double peak = 0.0;
        for (Eigen::Index k = 0; k < s.x.cols(); ++k) peak = std::max(peak, s.x.col(k).norm());
        QVERIFY2(peak <= radius, qPrintable(QString("%1 > %2").arg(peak).arg(radius)));
        QVERIFY(peak > 0.05 * radius);
        // agrees with Dopri5 on the same FOM (non-stiff enough at N = 40)
        sd::ode::Dopri5Options o;
        o.rtol = 1e-9;
        o.atol = 1e-11;
        const auto smooth = sumOfSines(Eigen::Vector2d(1.0, -0.5), Eigen::Vector2d(1.0, 2.0), Eigen::Vector2d(0.0, 0.3));
        const auto a = m.simulate(smooth, times);
        const auto b = sd::ode::integrateDopri5(m.field(), Eigen::VectorXd::Zero(40), times, smooth, o);
        QVERIFY2((a.x - b.x).norm() < 1e-6 * b.x.norm(), qPrintable(QString::number((a.x - b.x).norm() / b.x.norm())));
    }

    void bandedSolverMatchesOdeintsDenseRosenbrock() {
        // The banded rosenbrock4 (the default) against Boost.Odeint's dense one (options.denseJacobian): the same
        // method, hence the same accepted steps and the same solution up to rounding — for smooth and square-wave
        // inputs (the latter forces rejected steps), a non-zero start, and large enough sizes that pivoting occurs.
        sd::Rng rng(8);
        for (const Eigen::Index N : {Eigen::Index(5), Eigen::Index(40), Eigen::Index(120)}) {
            const ControlledBurgers m(BurgersParams{N, N == 5 ? 0.002 : 0.02});
            const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(101, 0.0, 4.0);
            const Eigen::VectorXd v0 = 0.5 * rng.normalMatrix(N, 1);
            for (const auto& u : {sumOfSines(Eigen::Vector2d(1.5, -0.7), Eigen::Vector2d(1.1, 2.6), Eigen::Vector2d(0.0, 0.3)),
                                  squareWave(1.8, 2.2)}) {
                BurgersSolverOptions dense;
                dense.denseJacobian = true;
                const sd::ode::Solution a = m.simulate(u, times, {}, v0), b = m.simulate(u, times, dense, v0);
                QVERIFY2(a.status.completed() && b.status.completed(), a.status.message.c_str());
                QCOMPARE(a.status.steps, b.status.steps);
                const double rel = (a.x - b.x).cwiseAbs().maxCoeff() / b.x.cwiseAbs().maxCoeff();
                QVERIFY2(rel <= 1e-12, qPrintable(QString("N = %1: relative difference %2").arg(N).arg(rel)));
            }
        }
    }

    void dataRecipeWithSmallCounts() {
        BurgersDataOptions o;
        o.model.nodes = 30;
        o.trainTrajectories = 2;
        o.testTrajectories = 1;
        o.tEnd = 2.0;
        o.samples = 101;
        o.derivatives = true;
        sd::Rng rng(5), rng2(5);
        const auto ds = generateBurgersData(o, rng);
        QCOMPARE(ds.trajectories.size(), std::size_t(3));
        QCOMPARE(ds.splits.at("train"), (std::vector<int>{0, 1}));
        QCOMPARE(ds.splits.at("test"), std::vector<int>{2});
        QCOMPARE(ds.stateNames.size(), std::size_t(30));
        QCOMPARE(ds.trajectories[0].x.cols(), Eigen::Index(101));
        QCOMPARE(ds.trajectories[2].id, std::string("test 0"));
        QVERIFY(ds.trajectories[0].x.col(0).isZero(0.0));
        QVERIFY(ds.trajectories[0].x.col(100).norm() > 0.0);
        QCOMPARE(ds.trajectories[1].dxdt.cols(), Eigen::Index(101));
        QVERIFY(std::abs(std::abs(ds.trajectories[2].u(0, 50)) - std::abs(ds.trajectories[2].u(0, 20))) < 1e-15);  // square wave
        QVERIFY(generateBurgersData(o, rng2).trajectories[1].x == ds.trajectories[1].x);
    }
};

QTEST_APPLESS_MAIN(TestBurgers)
#include "test_burgers.moc"
