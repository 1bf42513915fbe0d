// core/systems pendulum: reference NPZ parity (docs/methods/systems.md §2), the n = 1 reduction, energy decay,
// and the dataset generators.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/data/npz.h"
#include "core/systems/pendulum.h"
#include "core/systems/pendulum_data.h"
#include "test_support.h"

#include <Eigen/Cholesky>
#include <cmath>

using sd::systems::NLinkPendulum;

namespace {

// dE/dt = ∇E · ẋ with the analytic gradient of E = ½uᵀM(q)u − g Σ c_ii l_i cos q_i:
//   ∂E/∂q_k = −Σ_j c_kj l_k l_j sin(q_k − q_j) u_k u_j + g c_kk l_k sin q_k,   ∂E/∂u = M u.
double energyRate(const NLinkPendulum& p, const Eigen::VectorXd& x) {
    const int n = p.links();
    const double l = 1.0 / n;
    const Eigen::VectorXd q = x.head(n), u = x.tail(n), xd = p.derivative(x);
    double rate = 0.0;
    for (int k = 0; k < n; ++k) {
        double dq = p.gravity() * (n - k) * l * std::sin(q[k]);
        for (int j = 0; j < n; ++j) dq -= (n - std::max(k, j)) * l * l * std::sin(q[k] - q[j]) * u[k] * u[j];
        rate += dq * u[k];
    }
    rate += (p.massMatrix(q) * u).dot(xd.tail(n));
    return rate;
}

}  // namespace

class TestPendulum : public QObject {
    Q_OBJECT
private slots:
    void matchesReferenceNpz_data() {
        QTest::addColumn<int>("links");
        QTest::addColumn<QString>("split");
        for (int n : {1, 2, 4})
            for (const char* s : {"train", "test"}) QTest::newRow(qPrintable(QString("p-%1-%2").arg(n).arg(s))) << n << QString(s);
    }
    void matchesReferenceNpz() {
        QFETCH(int, links);
        QFETCH(QString, split);
        const std::string relPath = "pendulum_reference/p-" + std::to_string(links) + "-" + split.toStdString() + ".npz";
        const std::filesystem::path file = sd::test::sharedDataFile(relPath);
        if (file.empty()) QSKIP("shared benchmark data not present: pendulum_reference");
        const auto arrays = sd::data::loadNpz(file);
        QVERIFY(arrays.count("X") && arrays.count("Y"));
        const Eigen::MatrixXd X = arrays.at("X").matrix().transpose();   // rows = states in the file
        const Eigen::MatrixXd Y = arrays.at("Y").matrix().transpose();
        QCOMPARE(X.rows(), Eigen::Index(2 * links));
        QCOMPARE(X.cols(), Eigen::Index(1000 * links));
        const NLinkPendulum p(links);
        const Eigen::MatrixXd D = p.derivatives(X);
        const double rel = (D - Y).norm() / Y.norm();
        double worst = 0.0;
        for (Eigen::Index k = 0; k < X.cols(); ++k)
            worst = std::max(worst, (D.col(k) - Y.col(k)).norm() / std::max(Y.col(k).norm(), 1.0));
        QVERIFY2(rel < 1e-5, qPrintable(QString("relative %1").arg(rel)));
        QVERIFY2(worst < 1e-5, qPrintable(QString("worst sample %1").arg(worst)));
    }

    void singleLinkReduces() {
        const NLinkPendulum p(1);
        sd::Rng rng(3);
        for (int k = 0; k < 20; ++k) {
            const Eigen::VectorXd x = rng.uniformMatrix(2, 1, -3.0, 3.0);
            const Eigen::VectorXd d = p.derivative(x);
            QCOMPARE(d[0], x[1]);
            QVERIFY(std::abs(d[1] - (-9.81 * std::sin(x[0]) - 0.3 * x[1])) < 1e-13);
        }
    }

    void energyDecaysAtDampingRate() {
        sd::Rng rng(11);
        for (int n : {1, 2, 3, 4, 6}) {
            const NLinkPendulum p(n);
            for (int k = 0; k < 20; ++k) {
                const Eigen::VectorXd x = rng.uniformMatrix(2 * n, 1, -M_PI, M_PI);
                const double expected = -0.3 * x.tail(n).squaredNorm();
                QVERIFY2(std::abs(energyRate(p, x) - expected) < 1e-10 * std::max(1.0, std::abs(expected)),
                         qPrintable(QString("n=%1: %2 vs %3").arg(n).arg(energyRate(p, x)).arg(expected)));
            }
            // the mass matrix is SPD and E is minimal at rest hanging down
            const Eigen::MatrixXd M = p.massMatrix(rng.uniformMatrix(n, 1, -M_PI, M_PI));
            QVERIFY(M.llt().info() == Eigen::Success);
            QVERIFY(p.energy(Eigen::VectorXd::Zero(2 * n)) < p.energy(Eigen::VectorXd::Constant(2 * n, 0.1)));
        }
    }

    void batchedDerivativesEqualSingle() {
        const NLinkPendulum p(3);
        sd::Rng rng(5);
        const Eigen::MatrixXd X = rng.uniformMatrix(6, 50, -M_PI, M_PI);
        const Eigen::MatrixXd D = p.derivatives(X);
        for (Eigen::Index k = 0; k < X.cols(); ++k) QVERIFY(D.col(k) == p.derivative(X.col(k)));
        const Eigen::VectorXd E = p.energies(X);
        QCOMPARE(E[7], p.energy(X.col(7)));
        QVERIFY_THROWS_EXCEPTION(sd::Error, (void)NLinkPendulum(0));
        QVERIFY_THROWS_EXCEPTION(sd::Error, p.derivative(Eigen::VectorXd::Zero(4)));
    }

    void pairDatasetFollowsRecipe() {
        sd::systems::PendulumPairOptions o;
        o.links = 2;
        sd::Rng a(7), b(7);
        const auto ds = sd::systems::generatePendulumPairs(o, a);
        const auto again = sd::systems::generatePendulumPairs(o, b);
        QCOMPARE(ds.trajectories.size(), std::size_t(2));
        QVERIFY(ds.trajectories[0].isPairSet());
        QCOMPARE(ds.trajectories[0].x.cols(), Eigen::Index(400));   // 200 n
        QCOMPARE(ds.trajectories[1].x.rows(), Eigen::Index(4));
        QCOMPARE(ds.splits.at("train"), std::vector<int>{0});
        QCOMPARE(ds.splits.at("test"), std::vector<int>{1});
        QVERIFY(ds.trajectories[0].x == again.trajectories[0].x);
        QVERIFY(ds.trajectories[0].x != ds.trajectories[1].x);
        QVERIFY(ds.trajectories[0].x.cwiseAbs().maxCoeff() <= M_PI);
        const Eigen::MatrixXd& X = ds.trajectories[0].x;
        QVERIFY(X == X.cast<float>().cast<double>());
        QVERIFY(ds.trajectories[0].dxdt == NLinkPendulum(2).derivatives(X));
        QCOMPARE(ds.stateNames, (std::vector<std::string>{"q1", "q2", "u1", "u2"}));
    }

    void trajectoryDatasetUsesRk4() {
        sd::systems::PendulumTrajectoryOptions o;
        o.links = 2;
        o.trainTrajectories = 3;
        o.testTrajectories = 2;
        o.tEnd = 2.0;
        sd::Rng rng(1);
        const auto ds = sd::systems::generatePendulumTrajectories(o, rng);
        QCOMPARE(ds.trajectories.size(), std::size_t(5));
        QCOMPARE(ds.trajectories[4].t.size(), Eigen::Index(201));
        QCOMPARE(ds.splits.at("test"), (std::vector<int>{3, 4}));
        QCOMPARE(ds.dt, 0.01);
        // damped: energy at the end below the start
        const NLinkPendulum p(2);
        for (const auto& tr : ds.trajectories) QVERIFY(p.energy(tr.x.rightCols(1)) < p.energy(tr.x.col(0)) + 1e-9);
    }
};

QTEST_APPLESS_MAIN(TestPendulum)
#include "test_pendulum.moc"
