// core/systems quadratic control systems: Kronecker convention, the presets (docs/methods/systems.md §3) and their
// data recipe, and the seeded input generators.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/systems/input_signals.h"
#include "core/systems/quadratic_examples.h"
#include "core/systems/quadratic_system.h"
#include "test_support.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

using namespace sd::systems;

class TestQuadratic : public QObject {
    Q_OBJECT
private slots:
    void kroneckerOrdering() {
        const Eigen::Vector3d x(2.0, 3.0, 5.0);
        const Eigen::VectorXd k = kron2(x);
        QCOMPARE(k.size(), Eigen::Index(9));
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) QCOMPARE(k[i * 3 + j], x[i] * x[j]);
    }

    void presetsAreEnergyPreserving() {
        sd::Rng rng(1);
        for (const char* preset : {"example1", "example2"}) {
            const QuadraticSystem s = quadraticExample(preset);
            s.validate();
            for (int t = 0; t < 50; ++t) {
                const Eigen::VectorXd x = rng.normalMatrix(3, 1, 0.0, 3.0);
                QVERIFY(std::abs(x.dot(s.quadraticTerm(x))) < 1e-14 * x.squaredNorm() * x.norm());
            }
        }
    }

    void exampleEigenvalues() {
        auto sorted = [](const QuadraticSystem& s) {
            Eigen::VectorXcd ev = Eigen::EigenSolver<Eigen::MatrixXd>(s.A).eigenvalues();
            std::vector<std::complex<double>> v(ev.data(), ev.data() + ev.size());
            std::sort(v.begin(), v.end(), [](auto a, auto b) { return a.imag() < b.imag(); });
            return v;
        };
        const auto e1 = sorted(quadraticExample("example1"));
        QVERIFY(std::abs(e1[0] - std::complex<double>(-0.175, -1.411)) < 2e-3);
        QVERIFY(std::abs(e1[1] - std::complex<double>(-0.250, 0.0)) < 2e-3);
        QVERIFY(std::abs(e1[2] - std::complex<double>(-0.175, 1.411)) < 2e-3);
        const auto e2 = sorted(quadraticExample("example2"));
        QVERIFY(std::abs(e2[2] - std::complex<double>(-0.035, 1.414)) < 2e-3);
        QVERIFY(std::abs(e2[1] - std::complex<double>(-0.05, 0.0)) < 2e-3);
        QVERIFY_THROWS_EXCEPTION(sd::Error, quadraticExample("example3"));
    }

    void rhsBatchAndJacobian() {
        sd::Rng rng(2);
        QuadraticSystem s;
        s.A = rng.normalMatrix(4, 4);
        s.H = rng.normalMatrix(4, 16);
        s.B = rng.normalMatrix(4, 2);
        s.c = rng.normalMatrix(4, 1);
        const Eigen::MatrixXd X = rng.normalMatrix(4, 6), U = rng.normalMatrix(2, 6);
        const Eigen::MatrixXd D = s.rhsBatch(X, U);
        for (Eigen::Index k = 0; k < 6; ++k) {
            const Eigen::VectorXd ref = s.A * X.col(k) + s.H * kron2(X.col(k)) + s.B * U.col(k) + s.c;
            QVERIFY((D.col(k) - ref).norm() < 1e-12 * ref.norm());
            QVERIFY((s.rhs(X.col(k), U.col(k)) - ref).norm() < 1e-12 * ref.norm());
        }
        const Eigen::VectorXd x = X.col(0), u = U.col(0);
        const Eigen::MatrixXd J = s.jacobian(x);
        const double h = 1e-6;
        for (int j = 0; j < 4; ++j) {
            Eigen::VectorXd e = Eigen::VectorXd::Zero(4);
            e[j] = h;
            const Eigen::VectorXd fd = (s.rhs(x + e, u) - s.rhs(x - e, u)) / (2 * h);
            QVERIFY((fd - J.col(j)).norm() < 1e-7 * (1 + J.norm()));
        }
        QuadraticSystem bad = s;
        bad.H = Eigen::MatrixXd::Zero(4, 15);
        try {
            bad.validate();
            QFAIL("expected sd::Error");
        } catch (const sd::Error& err) {
            QVERIFY(QString(err.what()).contains("H"));
        }
    }

    void dataRecipe() {
        QuadraticDataOptions o;
        sd::Rng rng(42), rng2(42);
        const auto ds = generateQuadraticData(o, rng);
        QCOMPARE(ds.trajectories.size(), std::size_t(4));
        QCOMPARE(ds.splits.at("train"), (std::vector<int>{0, 1}));
        QCOMPARE(ds.splits.at("test"), (std::vector<int>{2, 3}));
        QCOMPARE(ds.dt, 0.01);
        const auto& tr = ds.trajectories[0];
        QCOMPARE(tr.t.size(), Eigen::Index(2001));
        QCOMPARE(tr.x.rows(), Eigen::Index(3));
        QCOMPARE(tr.u.rows(), Eigen::Index(1));
        QVERIFY(tr.x.col(0).isZero(0.0));
        const double peak = tr.x.cwiseAbs().maxCoeff();
        QVERIFY2(peak > 0.3 && peak < 20.0, qPrintable(QString::number(peak)));
        // exact derivatives stored and consistent with the state samples (centred differences)
        const QuadraticSystem s = quadraticExample("example1");
        QVERIFY(tr.dxdt.cols() == 2001);
        const Eigen::VectorXd fd = (tr.x.col(1001) - tr.x.col(999)) / 0.02;
        QVERIFY((fd - tr.dxdt.col(1000)).norm() < 1e-3 * (1 + fd.norm()));
        // test inputs: step 2 and the square wave 4 sign(sin(0.5 t))
        QCOMPARE(ds.trajectories[2].u(0, 500), 2.0);
        QCOMPARE(ds.trajectories[3].u(0, 100), 4.0);    // t = 1
        QCOMPARE(ds.trajectories[3].u(0, 1000), -4.0);  // t = 10, sin(5) < 0
        QVERIFY(generateQuadraticData(o, rng2).trajectories[1].x == ds.trajectories[1].x);

        QuadraticDataOptions o2;
        o2.preset = "example2";
        o2.samples = 401;
        o2.tEnd = 4.0;
        sd::Rng r3(42), r4(42);
        const auto noisy = generateQuadraticData(o2, r3);
        QVERIFY(noisy.trajectories[0].dxdt.size() == 0);      // no exact derivatives for noisy data
        QVERIFY(noisy.trajectories[2].dxdt.cols() == 401);    // clean test trajectories keep them
        o2.noiseStd = 0.0;
        const auto clean = generateQuadraticData(o2, r4);
        const Eigen::MatrixXd diff = noisy.trajectories[0].x - clean.trajectories[0].x;
        const double std = std::sqrt(diff.squaredNorm() / diff.size());
        QVERIFY2(std > 0.008 && std < 0.012, qPrintable(QString::number(std)));
    }

    void inputGenerators() {
        const auto sq = squareWave(2.0, 1.0);
        QCOMPARE(sq(1.0)[0], 2.0);
        QCOMPARE(sq(4.0)[0], -2.0);
        QCOMPARE(sq(0.0)[0], 0.0);
        const auto st = stepInput(3.0, 1.0, -1.0);
        QCOMPARE(st(0.5)[0], -1.0);
        QCOMPARE(st(1.0)[0], 3.0);
        const auto ss = sumOfSines(Eigen::Vector2d(1.0, 2.0), Eigen::Vector2d(1.0, 3.0), Eigen::Vector2d(0.0, M_PI / 2));
        QVERIFY(std::abs(ss(0.7)[0] - (std::sin(0.7) + 2 * std::cos(2.1))) < 1e-14);
        sd::Rng a(9), b(9);
        const auto m1 = multisine(a, 20, 0.1, 0.5), m2 = multisine(b, 20, 0.1, 0.5);
        QCOMPARE(m1(3.3)[0], m2(3.3)[0]);
        const Eigen::VectorXd ts = Eigen::VectorXd::LinSpaced(10000, 0.0, 10.0 - 1e-3);   // one period 1/f0
        const Eigen::MatrixXd vals = m1.sample(ts);
        const double rms = std::sqrt(vals.squaredNorm() / vals.size());
        QVERIFY2(std::abs(rms - 0.5) < 0.01, qPrintable(QString::number(rms)));
        const auto steps = randomSteps(a, 10.0, 2.0, -1.0, 1.0);
        QCOMPARE(steps(0.1)[0], steps(1.9)[0]);
        QVERIFY(steps(0.1)[0] != steps(2.1)[0]);
        const Eigen::VectorXd walk = clippedRandomWalk(a, 5000, 0.0, 0.05, 0.0, 1.0);
        QCOMPARE(walk[0], 0.0);
        QVERIFY(walk.minCoeff() >= 0.0 && walk.maxCoeff() <= 1.0 && walk.maxCoeff() > 0.2);
        const auto rs = randomSumOfSines(a, 3, 0.5, 2.0, 0.5, 3.0);
        QCOMPARE(rs.dim(), Eigen::Index(1));
    }
};

QTEST_APPLESS_MAIN(TestQuadratic)
#include "test_quadratic.moc"
