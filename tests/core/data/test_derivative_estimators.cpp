// Derivative estimators on any grid (docs/methods/core.md §4.1–4.2): Fornberg weights against the known
// stencils, exactness on polynomials of the estimator's degree (and not one degree more), the convergence
// rate on sin over a non-uniform grid, bit-identity with the uniform stencils, noise reduction of the
// smoothed estimator, and clear errors for bad grids and settings.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/data/derivative_estimators.h"

#include <QtTest>
#include <cmath>

using namespace sd::data;

namespace {

/// A non-uniform grid on [0, T]: steps h·(1 + 0.4 sin(1.7k)) — smooth enough jitter that every step
/// scales with h, so refinement halves all steps.
Eigen::VectorXd jitteredGrid(int K, double T) {
    Eigen::VectorXd steps(K - 1);
    for (int k = 0; k < K - 1; ++k) steps[k] = 1.0 + 0.4 * std::sin(1.7 * k);
    Eigen::VectorXd t(K);
    t[0] = 0.0;
    for (int k = 1; k < K; ++k) t[k] = t[k - 1] + steps[k - 1];
    return t * (T / t[K - 1]);
}

/// A smoothly graded grid t = T·(s + 0.5 sin(6πs)/(6π)), s uniform on [0, 1]: steps vary 1 : 3 across the
/// interval, and doubling K halves every step at the same place (a true refinement, so rates are comparable).
Eigen::VectorXd gradedGrid(int K, double T) {
    Eigen::VectorXd t(K);
    for (int k = 0; k < K; ++k) {
        const double s = static_cast<double>(k) / (K - 1);
        t[k] = T * (s + 0.5 * std::sin(6.0 * M_PI * s) / (6.0 * M_PI));
    }
    return t;
}

/// Random polynomial of `degree` and its derivative, evaluated on t (one row each).
std::pair<Eigen::MatrixXd, Eigen::MatrixXd> polynomial(const Eigen::VectorXd& t, int degree, sd::Rng& rng) {
    const Eigen::VectorXd a = rng.normalMatrix(degree + 1, 1).col(0);
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(1, t.size()), dx = Eigen::MatrixXd::Zero(1, t.size());
    for (Eigen::Index k = 0; k < t.size(); ++k)
        for (int e = 0; e <= degree; ++e) {
            x(0, k) += a[e] * std::pow(t[k], e);
            if (e > 0) dx(0, k) += e * a[e] * std::pow(t[k], e - 1);
        }
    return {x, dx};
}

double maxError(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

class TestDerivativeEstimators : public QObject {
    Q_OBJECT
private slots:
    void fornbergWeightsMatchKnownStencils() {
        const auto w = finiteDifferenceWeightsAt({-2, -1, 0, 1, 2}, 0.0);
        const double expected[] = {1.0 / 12, -8.0 / 12, 0.0, 8.0 / 12, -1.0 / 12};
        for (int k = 0; k < 5; ++k) QVERIFY(std::abs(w[k] - expected[k]) < 1e-14);
        const auto end = finiteDifferenceWeightsAt({0, 1, 2}, 0.0);   // (−3, 4, −1)/2
        QVERIFY(std::abs(end[0] + 1.5) < 1e-14 && std::abs(end[1] - 2.0) < 1e-14 && std::abs(end[2] + 0.5) < 1e-14);
        // Same as the integer-offset recursion of derivatives.h on an asymmetric window, evaluated off-node.
        const auto a = finiteDifferenceWeightsAt({-1, 0, 1, 2, 3, 4}, 0.0);
        const auto b = finiteDifferenceWeights({-1, 0, 1, 2, 3, 4});
        for (int k = 0; k < 6; ++k) QVERIFY(std::abs(a[k] - b[k]) < 1e-12);
        // Shift invariance: nodes {z-1, z, z+1} about z give the central weights.
        const auto c = finiteDifferenceWeightsAt({9.0, 10.0, 11.0}, 10.0);
        QVERIFY(std::abs(c[0] + 0.5) < 1e-12 && std::abs(c[1]) < 1e-12 && std::abs(c[2] - 0.5) < 1e-12);
    }

    void finiteDifferencesAreExactToTheirOrderOnNonUniformGrids() {
        sd::Rng rng(7);
        const Eigen::VectorXd t = jitteredGrid(23, 2.0);
        for (int order : {2, 4, 6}) {
            const auto [x, dx] = polynomial(t, order, rng);
            const double e = maxError(finiteDifferenceNonUniform(x, t, order), dx);
            QVERIFY2(e < 1e-8 * std::max(1.0, dx.cwiseAbs().maxCoeff()), qPrintable(QString("order %1: %2").arg(order).arg(e)));
            // One degree more is not exact: the scheme really is of order `order`, not higher.
            const auto [y, dy] = polynomial(t, order + 1, rng);
            QVERIFY(maxError(finiteDifferenceNonUniform(y, t, order), dy) > 1e-6);
        }
    }

    void sinConvergesAtTheExpectedRateOnANonUniformGrid() {
        for (int order : {2, 4, 6}) {
            double previous = 0.0;
            for (int K : {81, 161, 321}) {
                const Eigen::VectorXd t = gradedGrid(K, 6.0);
                Eigen::MatrixXd x(2, K), dx(2, K);
                for (int k = 0; k < K; ++k) {
                    x(0, k) = std::sin(t[k]);
                    dx(0, k) = std::cos(t[k]);
                    x(1, k) = std::sin(2.0 * t[k] + 1.0);
                    dx(1, k) = 2.0 * std::cos(2.0 * t[k] + 1.0);
                }
                const double e = maxError(finiteDifferenceNonUniform(x, t, order), dx);
                if (previous > 0.0) {
                    const double rate = std::log2(previous / e);   // steps halve (K−1 doubles)
                    qInfo("order %d, K %d: max error %.3g, observed rate %.2f", order, K, e, rate);
                    QVERIFY2(rate > order - 0.5 && rate < order + 1.0, qPrintable(QString("order %1 rate %2").arg(order).arg(rate)));
                }
                previous = e;
            }
        }
    }

    void uniformGridsUseTheUniformStencilsBitForBit() {
        Trajectory tr;
        tr.id = "u";
        tr.t = Eigen::VectorXd::LinSpaced(30, 0.5, 3.4);
        tr.x.resize(2, 30);
        for (int k = 0; k < 30; ++k) tr.x.col(k) << std::exp(0.3 * tr.t[k]), std::cos(3.0 * tr.t[k]);
        for (int order : {2, 4, 6})
            for (EndRule rule : {EndRule::OpInf, EndRule::PredCode}) {
                if (order != 4 && rule == EndRule::PredCode) continue;
                DerivativeEstimator e;
                e.order = order;
                e.endRule = rule;
                Trajectory ref = tr;
                DerivativeOptions o;
                o.order = order == 2 ? DerivativeOrder::Second : order == 4 ? DerivativeOrder::Fourth : DerivativeOrder::Sixth;
                o.endRule = rule;
                estimateDerivatives(ref, o);
                QVERIFY(estimateDerivative(tr, e) == ref.dxdt);
            }
        // On a uniform grid the non-uniform weights agree with the stencils to rounding (opinf end rule).
        QVERIFY(maxError(finiteDifferenceNonUniform(tr.x, tr.t, 4), estimateDerivative(tr, {})) < 1e-9);
    }

    void smoothedDerivativeIsExactForItsDegreeAndMatchesSavitzkyGolay() {
        sd::Rng rng(3);
        const Eigen::VectorXd t = jitteredGrid(40, 3.0);
        for (int degree : {1, 2, 3, 5}) {
            const auto [x, dx] = polynomial(t, degree, rng);
            QVERIFY(maxError(localPolynomialDerivative(x, t, 2 * degree + 3, degree), dx) < 1e-8);
        }
        // Uniform grid, window 5, degree 2: the Savitzky–Golay derivative (−2, −1, 0, 1, 2)/(10h) at interior samples.
        const double h = 0.1;
        const Eigen::VectorXd tu = Eigen::VectorXd::LinSpaced(9, 0.0, 8 * h);
        const Eigen::MatrixXd x = rng.normalMatrix(1, 9);
        const Eigen::MatrixXd d = localPolynomialDerivative(x, tu, 5, 2);
        for (int j = 2; j < 7; ++j) {
            const double sg = (-2 * x(0, j - 2) - x(0, j - 1) + x(0, j + 1) + 2 * x(0, j + 2)) / (10 * h);
            QVERIFY(std::abs(d(0, j) - sg) < 1e-11);
        }
    }

    void smoothingReducesNoiseAgainstPlainFiniteDifferences() {
        sd::Rng rng(11);
        const int K = 400;
        const Eigen::VectorXd t = jitteredGrid(K, 8.0);
        Eigen::MatrixXd x(1, K), dx(1, K);
        for (int k = 0; k < K; ++k) {
            x(0, k) = std::sin(t[k]) + 1e-3 * rng.normal();
            dx(0, k) = std::cos(t[k]);
        }
        const double plain = (finiteDifferenceNonUniform(x, t, 4) - dx).norm();
        const double smooth = (localPolynomialDerivative(x, t, 21, 3) - dx).norm();
        qInfo("noisy sin: RMS error ord4 %.3g, smoothed (21, 3) %.3g", plain / std::sqrt(K), smooth / std::sqrt(K));
        QVERIFY(smooth < 0.1 * plain);
    }

    void badGridsAndSettingsAreClearErrors() {
        const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(1, 8);
        Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(8, 0.0, 1.0);
        t[4] = t[3];
        QVERIFY_THROWS_EXCEPTION(sd::Error, finiteDifferenceNonUniform(x, t, 2));
        t[4] = std::nan("");
        QVERIFY_THROWS_EXCEPTION(sd::Error, localPolynomialDerivative(x, t, 5, 2));
        const Eigen::VectorXd good = Eigen::VectorXd::LinSpaced(8, 0.0, 1.0);
        QVERIFY_THROWS_EXCEPTION(sd::Error, finiteDifferenceNonUniform(x, good, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, finiteDifferenceNonUniform(Eigen::MatrixXd::Ones(1, 6), good.head(6), 6));
        QVERIFY_THROWS_EXCEPTION(sd::Error, localPolynomialDerivative(x, good, 4, 2));   // even window
        QVERIFY_THROWS_EXCEPTION(sd::Error, localPolynomialDerivative(x, good, 3, 3));   // window ≤ degree
        QVERIFY_THROWS_EXCEPTION(sd::Error, localPolynomialDerivative(x, good, 9, 2));   // too few samples
        Trajectory tr;
        tr.id = "jittered";
        tr.t = jitteredGrid(12, 1.0);
        tr.x = Eigen::MatrixXd::Ones(1, 12);
        DerivativeEstimator pred;
        pred.endRule = EndRule::PredCode;
        try {
            estimateDerivative(tr, pred);
            QFAIL("expected an error");
        } catch (const sd::Error& e) {
            QVERIFY(QString::fromStdString(e.what()).contains("jittered"));
        }
        QVERIFY(estimateDerivative(tr, {}).cwiseAbs().maxCoeff() < 1e-10);   // constant → 0 on the jittered grid
    }
};

QTEST_APPLESS_MAIN(TestDerivativeEstimators)
#include "test_derivative_estimators.moc"
