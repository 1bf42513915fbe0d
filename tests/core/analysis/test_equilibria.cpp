// Equilibria: central-difference Jacobians, Newton from a start point, grid seeds and the linear type
// of each equilibrium — on linear systems with known spectra and on the damped pendulum.
#include "core/analysis/equilibria.h"
#include "core/common/error.h"

#include <Eigen/Eigenvalues>
#include <QtTest>
#include <cmath>

using namespace sd::analysis;

namespace {

BatchedField linear(const Eigen::MatrixXd& A) {
    return [A](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return A * X; };
}

// θ' = ω, ω' = −sin θ − 0.5 ω: a stable focus at (0, 0) and saddles at (±π, 0).
Eigen::MatrixXd pendulum(const Eigen::MatrixXd& X) {
    Eigen::MatrixXd F(2, X.cols());
    F.row(0) = X.row(1);
    F.row(1) = -X.row(0).array().sin() - 0.5 * X.row(1).array();
    return F;
}

Eigen::Matrix2d m2(double a, double b, double c, double d) {
    Eigen::Matrix2d m;
    m << a, b, c, d;
    return m;
}

}  // namespace

class TestEquilibria : public QObject {
    Q_OBJECT
private slots:
    void jacobianOfALinearFieldIsItsMatrix() {
        Eigen::Matrix3d A;
        A << -1, 2, 0, 0.5, -3, 1, 4, 0, -2;
        const Eigen::MatrixXd J = jacobianFD(linear(A), Eigen::Vector3d(0.3, -2.0, 7.0));
        QVERIFY((J - A).cwiseAbs().maxCoeff() < 1e-8);
    }

    void jacobianRejectsAFieldOfTheWrongShape() {
        const BatchedField bad = [](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return X.topRows(1); };
        QVERIFY_THROWS_EXCEPTION(sd::Error, jacobianFD(bad, Eigen::Vector2d(0, 0)));
        QVERIFY_THROWS_EXCEPTION(sd::Error, newtonEquilibrium(bad, Eigen::Vector2d(1, 1)));
    }

    void classifiesByEigenvalues() {
        auto type = [](const Eigen::Matrix2d& A) { return classifyEquilibrium(Eigen::MatrixXd(A).eigenvalues()); };
        QVERIFY(type(m2(-1, 0, 0, -2)) == EquilibriumType::StableNode);
        QVERIFY(type(m2(-0.1, 1, -1, -0.1)) == EquilibriumType::StableFocus);
        QVERIFY(type(m2(1, 0, 0, 2)) == EquilibriumType::UnstableNode);
        QVERIFY(type(m2(0.1, 1, -1, 0.1)) == EquilibriumType::UnstableFocus);
        QVERIFY(type(m2(-1, 0, 0, 1)) == EquilibriumType::Saddle);
        QVERIFY(type(m2(0, 1, -1, 0)) == EquilibriumType::Centre);
        QVERIFY(type(m2(0, 0, 0, -1)) == EquilibriumType::NonHyperbolic);
        QVERIFY(isStable(EquilibriumType::StableFocus));
        QVERIFY(!isStable(EquilibriumType::Saddle));
        QCOMPARE(QString::fromStdString(toString(EquilibriumType::Saddle)), QString("saddle"));
    }

    void newtonFindsTheOriginOfAnAffineField() {
        // f(x) = A (x − c): one Newton step lands on c.
        const Eigen::Matrix2d A = m2(-2, 1, 0.5, -1);
        const Eigen::Vector2d c(0.7, -1.3);
        const BatchedField f = [A, c](const Eigen::MatrixXd& X) -> Eigen::MatrixXd { return A * (X.colwise() - c); };
        const Equilibrium e = newtonEquilibrium(f, Eigen::Vector2d(5, 5));
        QVERIFY(e.converged);
        QVERIFY((e.x - c).norm() < 1e-9);
        QVERIFY(e.iterations <= 3);
        QVERIFY(e.type == EquilibriumType::StableNode);
    }

    void newtonOnThePendulum() {
        Equilibrium e = newtonEquilibrium(pendulum, Eigen::Vector2d(0.4, -0.3));
        QVERIFY(e.converged);
        QVERIFY(e.x.norm() < 1e-8);
        QVERIFY(e.type == EquilibriumType::StableFocus);
        QVERIFY(std::abs(e.eigenvalues[0].real() + 0.25) < 1e-6);   // λ = −0.25 ± i√(1 − 1/16)
        e = newtonEquilibrium(pendulum, Eigen::Vector2d(2.8, 0.2));
        QVERIFY(e.converged);
        QVERIFY(std::abs(e.x[0] - M_PI) < 1e-8 && std::abs(e.x[1]) < 1e-8);
        QVERIFY(e.type == EquilibriumType::Saddle);
    }

    void newtonReportsFailureWithoutARoot() {
        // f = (x² + 1, y): no real root in x; Newton must say it did not converge.
        const BatchedField f = [](const Eigen::MatrixXd& X) -> Eigen::MatrixXd {
            Eigen::MatrixXd F(2, X.cols());
            F.row(0) = X.row(0).array().square() + 1.0;
            F.row(1) = X.row(1);
            return F;
        };
        const Equilibrium e = newtonEquilibrium(f, Eigen::Vector2d(0.5, 0.5));
        QVERIFY(!e.converged);
        QVERIFY(e.residual >= 1.0 - 1e-12);
    }

    void gridSeedsFindEveryPendulumEquilibriumInTheBox() {
        const PlaneGrid g = makePlaneGrid({-4.0, 4.0, -2.0, 2.0}, 41, 21);
        const Eigen::MatrixXd F = pendulum(g.points);
        const Eigen::MatrixXd U = toGrid(F, 0, g.nx(), g.ny()), V = toGrid(F, 1, g.nx(), g.ny());
        const auto seeds = equilibriumSeeds(g, U, V);
        QVERIFY(seeds.size() >= 3);
        const auto found = findEquilibria(pendulum, seeds);
        QCOMPARE(found.size(), std::size_t(3));   // (−π, 0), (0, 0), (π, 0), without duplicates
        int saddles = 0, foci = 0;
        for (const auto& e : found) {
            QVERIFY(std::abs(e.x[1]) < 1e-8);
            const double k = e.x[0] / M_PI;
            QVERIFY(std::abs(k - std::round(k)) < 1e-8);
            saddles += e.type == EquilibriumType::Saddle;
            foci += e.type == EquilibriumType::StableFocus;
        }
        QCOMPARE(saddles, 2);
        QCOMPARE(foci, 1);
    }

    void seedsKeepTheSliceComponents() {
        // A 3-D field sliced on (x0, x2) with x1 fixed at 5: seeds carry x1 = 5.
        Eigen::Vector3d base(0, 5, 0);
        const PlaneGrid g = makeSliceGrid(base, 0, 2, {-1.0, 1.0, -1.0, 1.0}, 11, 11);
        const Eigen::Matrix3d A = -Eigen::Matrix3d::Identity();
        const Eigen::MatrixXd F = A * g.points;
        const auto seeds = equilibriumSeeds(g, toGrid(F, 0, 11, 11), toGrid(F, 2, 11, 11), 4);
        QVERIFY(!seeds.empty());
        QVERIFY(static_cast<int>(seeds.size()) <= 4);
        for (const auto& s : seeds) QCOMPARE(s[1], 5.0);
        QVERIFY_THROWS_EXCEPTION(sd::Error, equilibriumSeeds(g, Eigen::MatrixXd::Zero(3, 3), Eigen::MatrixXd::Zero(11, 11)));
    }
};

QTEST_APPLESS_MAIN(TestEquilibria)
#include "test_equilibria.moc"
