// Error metrics with known answers: NRMSE with washout, relative Frobenius error, MSE, fit %, the
// pendulum rollout error with angle wrapping.
#include "core/analysis/metrics.h"
#include "core/analysis/rollout_error.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace sd::analysis;

class TestMetrics : public QObject {
    Q_OBJECT

    static constexpr double pi = std::numbers::pi;

private slots:
    void nrmseWithWashout() {
        // 3 washout samples with garbage predictions, then 4 kept samples
        Eigen::MatrixXd y(2, 7), yhat(2, 7);
        y << 5, 5, 5, 1, -1, 1, -1,  //
            9, 9, 9, 0, 2, 0, 2;
        yhat = y;
        yhat.leftCols(3).setConstant(1e6);
        yhat.row(0).rightCols(4).array() += 0.5;   // channel 0: mean 0, variance 1, rmse 0.5
        yhat.row(1).rightCols(4).array() -= 0.25;  // channel 1: mean 1, variance 1, rmse 0.25
        const Eigen::VectorXd n = nrmsePerChannel(y, yhat, 3);
        QVERIFY(std::abs(n[0] - 0.5) < 1e-14);
        QVERIFY(std::abs(n[1] - 0.25) < 1e-14);
        QVERIFY(std::abs(nrmseMean(y, yhat, 3) - 0.375) < 1e-14);
        const Eigen::VectorXd m = nrmsePerChannel(y, yhat, 3, NrmseNormalization::MeanSquare);
        QVERIFY(std::abs(m[0] - 0.5) < 1e-14);                   // mean y² = 1
        QVERIFY(std::abs(m[1] - 0.25 / std::sqrt(2.0)) < 1e-14);  // mean y² = 2
        QVERIFY(nrmsePerChannel(y, yhat, 0)[0] > 1e3);             // without washout the garbage counts
        QVERIFY_THROWS_EXCEPTION(sd::Error, nrmsePerChannel(y, yhat, 7));
        QVERIFY_THROWS_EXCEPTION(sd::Error, nrmsePerChannel(y, yhat.leftCols(6), 0));
    }

    void frobeniusMseFit() {
        Eigen::MatrixXd x(2, 2), xhat(2, 2);
        x << 3, 0, 0, 4;
        xhat = x;
        xhat(0, 1) += 1.0;
        QVERIFY(std::abs(relativeFrobeniusError(x, xhat) - 0.2) < 1e-15);
        QVERIFY(std::abs(meanSquaredError(x, xhat) - 0.25) < 1e-15);
        xhat(0, 0) = std::nan("");
        QVERIFY(std::isnan(relativeFrobeniusError(x, xhat)));  // unstable prediction: NaN, not a throw
        QVERIFY_THROWS_EXCEPTION(sd::Error, relativeFrobeniusError(x, Eigen::MatrixXd(3, 2)));

        Eigen::MatrixXd y(1, 4), yhat(1, 4);
        y << 1, -1, 1, -1;
        yhat = y.array() + 0.5;
        QVERIFY(std::abs(fitPercent(y, yhat)[0] - 50.0) < 1e-12);
        QVERIFY(std::abs(fitPercent(y, y)[0] - 100.0) < 1e-12);
    }

    void wrapAngleRange() {
        QCOMPARE(wrapAngle(pi), -pi);
        QCOMPARE(wrapAngle(-pi), -pi);
        QVERIFY(std::abs(wrapAngle(1.5 * pi) + 0.5 * pi) < 1e-15);
        QVERIFY(std::abs(wrapAngle(-1.5 * pi) - 0.5 * pi) < 1e-15);
        QCOMPARE(wrapAngle(0.5), 0.5);
        QVERIFY(std::abs(wrapAngle(2 * pi + 0.25) - 0.25) < 1e-14);
        QVERIFY(std::abs(wrapAngle(-3 * pi) + pi) < 1e-14);
        for (double t = -20.0; t < 20.0; t += 0.37) {
            const double w = wrapAngle(t);
            QVERIFY(w >= -pi && w < pi);
            QVERIFY(std::abs(std::remainder(w - t, 2 * pi)) < 1e-12);
        }
    }

    void rolloutErrorConstantOffset() {
        // 3 trajectories of state [q; q̇], 5 steps; predictions off by (0.1 + 2π, 0.2): the angle wraps
        std::vector<Eigen::MatrixXd> truth, pred;
        for (int t = 0; t < 3; ++t) {
            Eigen::MatrixXd x = Eigen::MatrixXd::Random(2, 5);
            truth.push_back(x);
            x.row(0).array() += 0.1 + 2 * pi;
            x.row(1).array() += 0.2;
            pred.push_back(x);
        }
        const RolloutError e = rolloutError(truth, pred, {0});
        QCOMPARE(e.stepError.size(), Eigen::Index(5));
        for (Eigen::Index i = 0; i < 5; ++i) {
            QVERIFY(std::abs(e.stepError[i] - 3 * (0.01 + 0.04)) < 1e-12);
            QVERIFY(std::abs(e.cumulative[i] - 0.15 * static_cast<double>(i)) < 1e-12);  // Σ_{k<i} e_k
            QVERIFY(std::abs(e.meanStepError[i] - 0.05) < 1e-12);
        }
        // without declaring the angle, the 2π offset counts
        QVERIFY(rolloutError(truth, pred, {}).stepError[0] > 3 * 39.0);
        // identical rollouts: e = 0 (e_0 = 0 as in the reference)
        QVERIFY(rolloutError(truth, truth, {0}).stepError.isZero());
    }

    void rolloutErrorRejectsBadArguments() {
        const std::vector<Eigen::MatrixXd> a{Eigen::MatrixXd::Zero(2, 5)}, b{Eigen::MatrixXd::Zero(2, 4)};
        QVERIFY_THROWS_EXCEPTION(sd::Error, rolloutError(a, b, {}));
        QVERIFY_THROWS_EXCEPTION(sd::Error, rolloutError(a, a, {2}));
        QVERIFY_THROWS_EXCEPTION(sd::Error, rolloutError({}, {}, {}));
        QVERIFY_THROWS_EXCEPTION(sd::Error, rolloutError(a, {a[0], a[0]}, {}));
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "test_metrics.moc"
