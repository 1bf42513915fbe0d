// core/ode: RK4 / Dopri5 against closed-form linear solutions, dense output, the divergence guard,
// batch integration and input signals.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/ode/dopri5.h"
#include "core/ode/input_signal.h"
#include "core/ode/rk4.h"
#include "test_support.h"

#include <Eigen/LU>
#include <cmath>

using namespace sd::ode;

namespace {

// ẋ = A x + B u with A = −αI + ωJ, J = [[0,1],[−1,0]], B = [0; 1]; e^{At} = e^{−αt}(cos ωt I + sin ωt J).
constexpr double kAlpha = 0.1, kOmega = 1.3;

Eigen::Matrix2d systemA() {
    Eigen::Matrix2d A;
    A << -kAlpha, kOmega, -kOmega, -kAlpha;
    return A;
}
Eigen::Vector2d systemB() { return Eigen::Vector2d(0.0, 1.0); }

Eigen::Matrix2d expAt(double t) {
    Eigen::Matrix2d E;
    const double c = std::cos(kOmega * t), s = std::sin(kOmega * t);
    E << c, s, -s, c;
    return std::exp(-kAlpha * t) * E;
}

// Exact solution for the ramp input u(t) = t:  e^{At}x0 + [A^{-2}(e^{At} − I) − A^{-1} t] B.
Eigen::Vector2d exactRamp(const Eigen::Vector2d& x0, double t) {
    const Eigen::Matrix2d A = systemA(), Ai = A.inverse(), I = Eigen::Matrix2d::Identity();
    return expAt(t) * x0 + (Ai * Ai * (expAt(t) - I) - Ai * t) * systemB();
}

Field linearField() {
    return [](double, const Eigen::VectorXd& x, const Eigen::VectorXd& u) -> Eigen::VectorXd {
        return systemA() * x + systemB() * u[0];
    };
}

InputSignal rampInput(double tEnd) {  // u(t) = t on [0, tEnd], from two samples (linear interpolation is exact)
    return InputSignal::fromSamples(Eigen::Vector2d(0.0, tEnd), Eigen::RowVector2d(0.0, tEnd));
}

double maxErrorVsExact(const Solution& s, const Eigen::Vector2d& x0) {
    double e = 0.0;
    for (Eigen::Index k = 0; k < s.t.size(); ++k)
        e = std::max(e, (s.x.col(k) - exactRamp(x0, s.t[k])).norm());
    return e;
}

Field blowUpField() {  // ẋ = x², x(0) = 1 → x = 1/(1 − t)
    return [](double, const Eigen::VectorXd& x, const Eigen::VectorXd&) -> Eigen::VectorXd {
        return x.array().square().matrix();
    };
}

}  // namespace

class TestOdeIntegrators : public QObject {
    Q_OBJECT
private slots:
    void inputSignalInterpolatesAndHolds() {
        Eigen::Vector3d t(0.0, 1.0, 3.0);
        Eigen::Matrix<double, 2, 3> U;
        U << 0.0, 2.0, -2.0, 1.0, 1.0, 5.0;
        const InputSignal s = InputSignal::fromSamples(t, U);
        QCOMPARE(s.dim(), Eigen::Index(2));
        QVERIFY((s(0.5) - Eigen::Vector2d(1.0, 1.0)).norm() < 1e-15);
        QVERIFY((s(2.0) - Eigen::Vector2d(0.0, 3.0)).norm() < 1e-15);
        QVERIFY((s(-1.0) - U.col(0)).norm() == 0.0);
        QVERIFY((s(10.0) - U.col(2)).norm() == 0.0);
        QVERIFY((s(1.0) - U.col(1)).norm() < 1e-15);
        QVERIFY_THROWS_EXCEPTION(sd::Error, InputSignal::fromSamples(Eigen::Vector3d(0, 1, 1), U));
        QVERIFY_THROWS_EXCEPTION(sd::Error, InputSignal::fromSamples(Eigen::Vector2d(0, 1), U));
        const InputSignal g = InputSignal::fromFunction(1, [](double tt) { return Eigen::VectorXd::Constant(1, 2 * tt); });
        QCOMPARE(g(1.5)[0], 3.0);
        QCOMPARE(InputSignal::none().dim(), Eigen::Index(0));
    }

    void rk4MatchesClosedFormWithFourthOrderError() {
        const Eigen::Vector2d x0(1.0, -0.5);
        const double T = 5.0;
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(51, 0.0, T);
        Rk4Options o;
        o.step = 0.02;
        const Solution coarse = integrateRk4(linearField(), x0, times, rampInput(T), o);
        o.step = 0.01;
        const Solution fine = integrateRk4(linearField(), x0, times, rampInput(T), o);
        QVERIFY(coarse.status.completed() && fine.status.completed());
        QCOMPARE(fine.status.outputsReached, Eigen::Index(51));
        QCOMPARE(fine.status.steps, 500LL);
        const double eCoarse = maxErrorVsExact(coarse, x0), eFine = maxErrorVsExact(fine, x0);
        QVERIFY2(eFine < 1e-8, qPrintable(QString::number(eFine)));
        const double ratio = eCoarse / eFine;  // 2⁴ = 16 for a 4th-order method
        QVERIFY2(ratio > 13.0 && ratio < 19.0, qPrintable(QString::number(ratio)));
    }

    void rk4HitsNonUniformOutputTimesExactly() {
        const Eigen::Vector2d x0(0.3, 0.7);
        Eigen::VectorXd times(5);
        times << 0.0, 0.013, 0.5, 0.777, 2.0;
        Rk4Options o;
        o.step = 0.01;
        const Solution s = integrateRk4(linearField(), x0, times, rampInput(2.0), o);
        QVERIFY(s.status.completed());
        QVERIFY(s.t == times);
        QVERIFY(maxErrorVsExact(s, x0) < 1e-9);
    }

    void dopri5MatchesClosedFormToTolerance() {
        const Eigen::Vector2d x0(1.0, -0.5);
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(101, 0.0, 10.0);
        Dopri5Options tight;
        tight.rtol = 1e-10;
        tight.atol = 1e-12;
        const Solution s = integrateDopri5(linearField(), x0, times, rampInput(10.0), tight);
        QVERIFY(s.status.completed());
        const double e = maxErrorVsExact(s, x0);
        QVERIFY2(e < 1e-8, qPrintable(QString::number(e)));
        const Solution d = integrateDopri5(linearField(), x0, times, rampInput(10.0));  // defaults 1e-6 / 1e-8
        const double eDefault = maxErrorVsExact(d, x0);
        QVERIFY2(eDefault < 1e-4, qPrintable(QString::number(eDefault)));
        QVERIFY(d.status.steps < s.status.steps);  // looser tolerance ⇒ fewer steps
    }

    void dopri5DenseOutputHonoursRequestedTimes() {
        const Eigen::Vector2d x0(0.0, 1.0);
        Eigen::VectorXd times(6);
        times << 0.0, 1e-4, 0.013, 0.5, 3.14159, 7.0;
        Dopri5Options o;
        o.rtol = 1e-10;
        o.atol = 1e-12;
        const Solution s = integrateDopri5(linearField(), x0, times, rampInput(7.0), o);
        QVERIFY(s.status.completed());
        QVERIFY(s.t == times);
        QCOMPARE(s.x.cols(), Eigen::Index(6));
        QVERIFY(maxErrorVsExact(s, x0) < 1e-8);
        QVERIFY(s.status.steps > 1 && s.status.steps < 6 * 1000);
    }

    void divergenceGuardFiresOnBlowUp() {
        const Eigen::VectorXd x0 = Eigen::VectorXd::Ones(1);
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(201, 0.0, 2.0);
        const Solution a = integrateDopri5(blowUpField(), x0, times);
        QCOMPARE(a.status.reason, StopReason::NormBound);
        QVERIFY2(std::abs(a.status.stopTime - 1.0) < 1e-3, qPrintable(QString::number(a.status.stopTime)));
        QCOMPARE(a.status.outputsReached, Eigen::Index(100));  // t = 0 … 0.99
        QVERIFY(std::abs(a.x(0, 99) - 100.0) < 1e-2);         // 1/(1 − 0.99), near the pole
        QVERIFY(std::isnan(a.x(0, 100)) && std::isnan(a.x(0, 200)));
        QVERIFY(!a.status.message.empty());

        Rk4Options o;
        o.step = 1e-3;
        const Solution b = integrateRk4(blowUpField(), x0, times, InputSignal(), o);
        QCOMPARE(b.status.reason, StopReason::NormBound);
        QVERIFY2(std::abs(b.status.stopTime - 1.0) < 0.02, qPrintable(QString::number(b.status.stopTime)));

        const BatchSolution c = integrateRk4Batch(
            [](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd&) -> Eigen::MatrixXd { return X.array().square(); },
            Eigen::RowVector2d(1.0, 0.25), times, {}, o);
        QCOMPARE(c.status[0].reason, StopReason::NormBound);
        QVERIFY(c.status[1].completed());                         // x = 0.25/(1 − 0.25 t) stays finite on [0, 2]
        QVERIFY(std::abs(c.states.back()(0, 1) - 0.5) < 1e-9);
    }

    void guardReportsNaNAndMaxSteps() {
        const Field nanAfterHalf = [](double t, const Eigen::VectorXd& x, const Eigen::VectorXd&) -> Eigen::VectorXd {
            return t > 0.5 ? Eigen::VectorXd::Constant(x.size(), std::nan("")) : Eigen::VectorXd(-x);
        };
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(11, 0.0, 1.0);
        const Solution a = integrateRk4(nanAfterHalf, Eigen::VectorXd::Ones(2), times);
        QCOMPARE(a.status.reason, StopReason::NonFinite);
        QVERIFY(a.status.stopTime > 0.5 && a.status.stopTime < 0.52);
        const Solution b = integrateDopri5(nanAfterHalf, Eigen::VectorXd::Ones(2), times);
        QVERIFY(!b.status.completed());
        QVERIFY(b.status.stopTime > 0.49 && b.status.stopTime < 0.7);

        Dopri5Options o;
        o.guard.maxSteps = 5;
        o.rtol = 1e-12;
        o.atol = 1e-14;
        const Solution c = integrateDopri5(linearField(), Eigen::Vector2d(1, 0), Eigen::VectorXd::LinSpaced(3, 0, 100),
                                           rampInput(100), o);
        QCOMPARE(c.status.reason, StopReason::MaxSteps);
        QCOMPARE(c.status.steps, 5LL);
        QVERIFY(c.status.stopTime > 0.0 && c.status.stopTime < 100.0);
        // A step limit is a stall, not a divergence; NaN and the norm bound are divergences.
        QVERIFY(c.status.stalled() && !c.status.diverged() && !c.status.finished());
        QVERIFY(a.status.diverged() && !a.status.stalled());
    }

    // ẋ = −sign(x): the field is discontinuous at 0, where the adaptive step chatters until the step limit
    // (a stall, not a divergence); a rest test {|x| ≤ r} — invariant, since |x| decreases — ends the run
    // successfully and holds the rest state.
    void restTestEndsAChatteringRunSuccessfully() {
        const Field sign = [](double, const Eigen::VectorXd& x, const Eigen::VectorXd&) -> Eigen::VectorXd {
            return -x.array().sign().matrix();
        };
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(101, 0.0, 10.0);
        Dopri5Options o;
        o.guard.maxSteps = 20000;
        const Solution chatter = integrateDopri5(sign, Eigen::VectorXd::Ones(1), times, InputSignal(), o);
        QVERIFY2(chatter.status.stalled(), chatter.status.message.c_str());
        QVERIFY(!chatter.status.diverged());
        QVERIFY2(chatter.status.stopTime > 0.99 && chatter.status.stopTime < 1.5, chatter.status.message.c_str());   // stuck near x = 0 soon after t = 1

        const double r = 1e-6;
        o.guard.atRest = [r](const Eigen::VectorXd& x) { return x.norm() <= r; };
        const Solution rest = integrateDopri5(sign, Eigen::VectorXd::Ones(1), times, InputSignal(), o);
        QCOMPARE(rest.status.reason, StopReason::AtRest);
        QVERIFY(rest.status.finished() && !rest.status.completed() && !rest.status.stalled());
        QCOMPARE(rest.status.outputsReached, times.size());
        QVERIFY(rest.status.stopTime > 0.99 && rest.status.stopTime < 1.01);
        QVERIFY(rest.status.steps < 1000);
        QVERIFY(rest.x.allFinite());
        for (Eigen::Index k = 0; k < times.size(); ++k) {
            const double exact = std::max(1.0 - times[k], 0.0);
            QVERIFY2(std::abs(rest.x(0, k) - exact) < 1e-5, qPrintable(QString("t=%1 x=%2").arg(times[k]).arg(rest.x(0, k))));
        }
        // The rest state is held: every output after the rest time equals the state where the test held.
        QCOMPARE(rest.x(0, 100), rest.x(0, 50));
        QVERIFY(std::abs(rest.x(0, 100)) <= r);
    }

    void batchEqualsPerStateIntegration() {
        const Eigen::Index B = 7;
        sd::Rng rng(42);
        const Eigen::MatrixXd X0 = rng.uniformMatrix(2, B, -2.0, 2.0);
        std::vector<InputSignal> inputs;
        for (Eigen::Index b = 0; b < B; ++b) {
            const double a = rng.uniform(-1, 1);
            inputs.push_back(InputSignal::fromFunction(1, [a](double t) { return Eigen::VectorXd::Constant(1, a * std::sin(t)); }));
        }
        const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(41, 0.0, 4.0);
        int calls = 0;
        const BatchField F = [&calls](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) -> Eigen::MatrixXd {
            ++calls;
            Eigen::MatrixXd D = systemA() * X;
            D.row(1) += U.row(0);
            D.row(0) -= 0.1 * X.row(0).array().cube().matrix();   // a nonlinearity, column-wise
            return D;
        };
        const Field f = [](double, const Eigen::VectorXd& x, const Eigen::VectorXd& u) -> Eigen::VectorXd {
            Eigen::VectorXd d = systemA() * x;
            d[1] += u[0];
            d[0] -= 0.1 * x[0] * x[0] * x[0];
            return d;
        };
        Rk4Options o;
        o.step = 0.01;
        const BatchSolution batch = integrateRk4Batch(F, X0, times, inputs, o);
        QVERIFY(batch.allCompleted());
        QCOMPARE(calls, 4 * 400);   // one batched call per stage, vectorised over the batch
        const BatchSolution adaptive = integrateDopri5Batch(f, X0, times, inputs);
        for (Eigen::Index b = 0; b < B; ++b) {
            const Solution s = integrateRk4(f, X0.col(b), times, inputs[static_cast<std::size_t>(b)], o);
            const Eigen::MatrixXd tb = batch.trajectory(b);
            QVERIFY((tb - s.x).norm() <= 1e-13 * s.x.norm());
            const Solution d = integrateDopri5(f, X0.col(b), times, inputs[static_cast<std::size_t>(b)]);
            QVERIFY(adaptive.trajectory(b) == d.x);
        }
        // a shared input broadcasts to every state
        const BatchSolution shared = integrateRk4Batch(F, X0, times, {inputs[0]}, o);
        const Solution s3 = integrateRk4(f, X0.col(3), times, inputs[0], o);
        QVERIFY((shared.trajectory(3) - s3.x).norm() <= 1e-13 * s3.x.norm());
        // rk4Step agrees with one step of the integrator
        const Eigen::MatrixXd one = rk4Step(F, 0.0, X0, 0.1, inputs);
        const BatchSolution oneStep = integrateRk4Batch(F, X0, Eigen::Vector2d(0.0, 0.1), inputs, Rk4Options{0.1, {}});
        QVERIFY((one - oneStep.states[1]).norm() <= 1e-14 * one.norm());
    }

    void invalidArgumentsThrowNamedErrors() {
        const Eigen::VectorXd times = Eigen::Vector3d(0.0, 1.0, 0.5);
        try {
            integrateRk4(linearField(), Eigen::Vector2d(1, 0), times, rampInput(1));
            QFAIL("expected sd::Error");
        } catch (const sd::Error& e) {
            QCOMPARE(QString::fromStdString(e.where()), QStringLiteral("ode::integrateRk4"));
        }
        Rk4Options bad;
        bad.step = 0.0;
        QVERIFY_THROWS_EXCEPTION(sd::Error, integrateRk4(linearField(), Eigen::Vector2d(1, 0), Eigen::Vector2d(0, 1), rampInput(1), bad));
        QVERIFY_THROWS_EXCEPTION(sd::Error,
                                 integrateRk4Batch([](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd&) { return Eigen::MatrixXd(X); },
                                                   Eigen::MatrixXd::Zero(2, 3), Eigen::Vector2d(0, 1),
                                                   {InputSignal::none(), InputSignal::none()}));
    }
};

QTEST_APPLESS_MAIN(TestOdeIntegrators)
#include "test_ode_integrators.moc"
