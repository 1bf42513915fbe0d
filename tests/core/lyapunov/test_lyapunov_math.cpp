// core/lyapunov math (docs/methods/stable-dynamics.md): V positive definite and convex, the closed-form ∇V
// against finite differences and against autodiff with create_graph, the projection's decrease condition
// on many random untrained models, the zero-denominator guard, the g(0) modes, the invertible warp, and the
// full model's parameter gradients (through ∇V) against finite differences.
#include "core/autodiff/backward.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/projection.h"
#include "core/lyapunov/stable_dynamics.h"

#include <Eigen/LU>
#include <QtTest>
#include <cmath>
#include <cstring>

using namespace sd::lyap;
using Eigen::MatrixXd;
namespace ad = sd::ad;

namespace {

StableDynamicsOptions tinyOptions(bool warp, G0Mode mode) {
    StableDynamicsOptions o;
    o.fhatHidden = {4};
    o.alpha = 0.5;                    // large, so the projection is active at many points
    o.lyapunov.hidden = {4, 4};
    o.lyapunov.innerRehuD = 0.5;      // wide quadratic zone: many pre-activations in (0, d), σ'' exercised
    o.lyapunov.eps = 0.1;
    o.lyapunov.g0Mode = mode;
    o.lyapunov.warp = warp;
    o.lyapunov.warpHidden = 3;
    return o;
}

StableDynamicsOptions defaultOptions(bool warp, G0Mode mode) {
    StableDynamicsOptions o;  // pendulum defaults: f̂ [100,100], ICNN [60,60], d 0.005, ε 0.001, α 0.001
    o.lyapunov.g0Mode = mode;
    o.lyapunov.warp = warp;
    return o;
}

double vSingle(const LyapunovFunction& V, const Eigen::VectorXd& x) {
    ad::NoGradGuard g;
    return V.evaluate(ad::Var::constant(x), false).V.item();
}

/// Loss of the whole model through ∇V: MSE(f(x), y).
ad::Var modelLoss(const StableDynamics& m, const MatrixXd& X, const MatrixXd& Y) {
    return ad::mseLoss(m.evaluate(ad::Var::constant(X)).f, ad::Var::constant(Y));
}

}  // namespace

class TestLyapunovMath : public QObject {
    Q_OBJECT

private slots:
    void closedFormGradientMatchesFiniteDifferences_data() {
        QTest::addColumn<bool>("warp");
        QTest::addColumn<int>("mode");
        QTest::newRow("identity, recompute") << false << int(G0Mode::Recompute);
        QTest::newRow("identity, frozen") << false << int(G0Mode::FrozenAtInit);
        QTest::newRow("warp, recompute") << true << int(G0Mode::Recompute);
    }
    void closedFormGradientMatchesFiniteDifferences() {
        QFETCH(bool, warp);
        QFETCH(int, mode);
        sd::Rng rng(11);
        for (const double d : {0.005, 0.5}) {
            StableDynamicsOptions o = tinyOptions(warp, G0Mode(mode));
            o.lyapunov.innerRehuD = d;
            o.lyapunov.hidden = {8, 8};
            const StableDynamics m(3, o, rng);
            const MatrixXd X = rng.uniformMatrix(3, 40, -2.0, 2.0);
            MatrixXd G;
            {
                ad::NoGradGuard g;
                G = m.lyapunov().evaluate(ad::Var::constant(X), true).gradient.value();
            }
            const double h = 1e-6;  // central differences, step 1e-6, relative error < 1e-6
            double worst = 0.0;
            for (Eigen::Index j = 0; j < X.cols(); ++j)
                for (Eigen::Index r = 0; r < 3; ++r) {
                    Eigen::VectorXd xp = X.col(j), xm = X.col(j);
                    xp[r] += h;
                    xm[r] -= h;
                    const double num = (vSingle(m.lyapunov(), xp) - vSingle(m.lyapunov(), xm)) / (2 * h);
                    worst = std::max(worst, std::abs(num - G(r, j)) / std::max(1.0, std::abs(num)));
                }
            QVERIFY2(worst < 1e-6, qPrintable(QString("d = %1: worst relative error %2").arg(d).arg(worst)));
        }
    }

    void closedFormMatchesAutodiffCreateGraph() {
        // ∇V from the closed-form nodes vs grad(V, x, createGraph = true); then the parameter gradients of a
        // loss through ∇V computed both ways.
        sd::Rng rng(12);
        const StableDynamics m(2, tinyOptions(true, G0Mode::Recompute), rng);
        const MatrixXd X = rng.uniformMatrix(2, 30, -2.0, 2.0), Y = rng.normalMatrix(2, 30);
        const ad::Var x = ad::Var::leaf(X, true);
        const LyapunovFunction::Output v = m.lyapunov().evaluate(x, true);
        const ad::Var autoGrad = ad::grad(v.V, x, /*createGraph=*/true);
        QVERIFY((autoGrad.value() - v.gradient.value()).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + v.gradient.value().cwiseAbs().maxCoeff()));

        const auto params = m.parameters();
        auto lossWith = [&](const ad::Var& gradV, const ad::Var& V) {
            const ad::Var fhat = m.fhat()(x);
            return ad::mseLoss(projectOntoDecreaseSet(fhat, V, gradV, m.options().alpha, 0.0), ad::Var::constant(Y));
        };
        params.zeroGrad();
        ad::backward(lossWith(v.gradient, v.V));
        const Eigen::VectorXd closed = params.flattenGradients();
        params.zeroGrad();
        const LyapunovFunction::Output v2 = m.lyapunov().evaluate(x, false);
        ad::backward(lossWith(ad::grad(v2.V, x, true), v2.V));
        const Eigen::VectorXd viaAutodiff = params.flattenGradients();
        QVERIFY2((closed - viaAutodiff).norm() <= 1e-10 * (1.0 + closed.norm()),
                 qPrintable(QString("difference %1 (norm %2)").arg((closed - viaAutodiff).norm()).arg(closed.norm())));
    }

    void parameterGradientsMatchFiniteDifferences_data() {
        QTest::addColumn<bool>("warp");
        QTest::addColumn<int>("mode");
        QTest::newRow("identity, recompute") << false << int(G0Mode::Recompute);
        QTest::newRow("warp, recompute") << true << int(G0Mode::Recompute);
        QTest::newRow("identity, frozen") << false << int(G0Mode::FrozenAtInit);
    }
    void parameterGradientsMatchFiniteDifferences() {
        // the full loss through ∇V, every parameter tensor, tiny net (n = 2, width 4), rel. error < 1e-5.
        QFETCH(bool, warp);
        QFETCH(int, mode);
        sd::Rng rng(13);
        const StableDynamics m(2, tinyOptions(warp, G0Mode(mode)), rng);
        const MatrixXd X = rng.uniformMatrix(2, 24, -1.5, 1.5), Y = rng.normalMatrix(2, 24);
        // Coverage: ReHU pre-activations of the first ICNN layer inside (0, d), and both projection cases.
        {
            MatrixXd warped = X;
            if (m.lyapunov().warp()) warped = m.lyapunov().warp()->apply(X);
            MatrixXd a0 = m.lyapunov().icnn().W()[0].value() * warped;
            a0.colwise() += m.lyapunov().icnn().b()[0].value().col(0);
            const double d = m.options().lyapunov.innerRehuD;
            const auto inZone = ((a0.array() > 0.0) && (a0.array() < d)).count();
            QVERIFY2(inZone >= 5, qPrintable(QString("only %1 pre-activations in (0, d)").arg(inZone)));
            ad::NoGradGuard g;
            const auto out = m.evaluate(ad::Var::constant(X));
            const Eigen::RowVectorXd s = (out.gradV.value().array() * out.fhat.value().array()).colwise().sum().matrix() +
                                         m.options().alpha * out.V.value();
            QVERIFY2((s.array() > 0).count() >= 3 && (s.array() <= 0).count() >= 3, "need active and inactive points");
        }
        const auto params = m.parameters();
        params.zeroGrad();
        ad::backward(modelLoss(m, X, Y));
        const double h = 1e-6;
        for (const auto& e : params.entries()) {
            const MatrixXd analytic = e.var.grad();
            MatrixXd& value = e.var.mutableValue();
            double worst = 0.0;
            for (Eigen::Index k = 0; k < value.size(); ++k) {
                const double keep = value(k);
                double lp, lm;
                {
                    ad::NoGradGuard g;
                    value(k) = keep + h;
                    lp = modelLoss(m, X, Y).item();
                    value(k) = keep - h;
                    lm = modelLoss(m, X, Y).item();
                }
                value(k) = keep;
                const double num = (lp - lm) / (2 * h);
                const double err = std::abs(num - analytic(k));
                if (err > 1e-8 + 1e-5 * std::max(std::abs(num), std::abs(analytic(k))))
                    worst = std::max(worst, err / std::max(std::abs(num), 1e-12));
            }
            QVERIFY2(worst == 0.0, qPrintable(QString::fromStdString(e.name) + QString(": relative error %1").arg(worst)));
        }
    }

    void randomModelsAreStable_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("warp");
        QTest::addColumn<int>("mode");
        QTest::newRow("n=2") << 2 << false << int(G0Mode::Recompute);
        QTest::newRow("n=2 frozen") << 2 << false << int(G0Mode::FrozenAtInit);
        QTest::newRow("n=4 warp") << 4 << true << int(G0Mode::Recompute);
    }
    void randomModelsAreStable() {
        // V(0) = 0, V > 0 and the decrease condition (docs/methods/stable-dynamics.md §3, §5) for many seeds of
        // untrained models with the default (pendulum) sizes.
        QFETCH(int, n);
        QFETCH(bool, warp);
        QFETCH(int, mode);
        for (std::uint64_t seed = 0; seed < 6; ++seed) {
            sd::Rng rng(100 + seed);
            const StableDynamics m(n, defaultOptions(warp, G0Mode(mode)), rng);
            const double alpha = m.options().alpha, eps = m.options().lyapunov.eps;
            QCOMPARE(vSingle(m.lyapunov(), Eigen::VectorXd::Zero(n)), 0.0);
            // 10⁴ points in [−10, 10]ⁿ, 500 on the sphere of radius 100, and radii 1e-6, 1, 1e3.
            MatrixXd X(n, 10000 + 500 + 3 * 50);
            X.leftCols(10000) = rng.uniformMatrix(n, 10000, -10.0, 10.0);
            MatrixXd dirs = rng.normalMatrix(n, 650);
            dirs.colwise().normalize();
            X.middleCols(10000, 500) = 100.0 * dirs.leftCols(500);
            X.middleCols(10500, 50) = 1e-6 * dirs.middleCols(500, 50);
            X.middleCols(10550, 50) = dirs.middleCols(550, 50);
            X.middleCols(10600, 50) = 1e3 * dirs.middleCols(600, 50);
            ad::NoGradGuard g;
            const auto out = m.evaluate(ad::Var::constant(X));
            const MatrixXd &F = out.f.value(), &Fh = out.fhat.value(), &G = out.gradV.value();
            const Eigen::RowVectorXd V = out.V.value();
            int active = 0;
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                const double norm2 = X.col(j).squaredNorm();
                QVERIFY2(V[j] >= eps * norm2 * (1 - 1e-12) && V[j] > 0.0, qPrintable(QString("V not positive at column %1").arg(j)));
                const double vdot = G.col(j).dot(F.col(j));
                QVERIFY2(vdot <= -alpha * V[j] + 1e-9 * (1.0 + std::abs(V[j])),
                         qPrintable(QString("seed %1 column %2: dV/dt %3 > -alpha V %4").arg(seed).arg(j).arg(vdot).arg(-alpha * V[j])));
                if (G.col(j).dot(Fh.col(j)) + alpha * V[j] > 0.0) {
                    ++active;
                    const double scale = std::abs(alpha * V[j]) + G.col(j).norm() * Fh.col(j).norm();
                    QVERIFY2(std::abs(vdot + alpha * V[j]) <= 1e-9 * scale, "active points satisfy the condition with equality");
                } else {
                    QVERIFY2(std::memcmp(F.col(j).data(), Fh.col(j).data(), sizeof(double) * n) == 0 ||
                                 F.col(j) == Fh.col(j),
                             "inactive points keep f = f̂ exactly");
                }
            }
            QVERIFY2(active > 0 && active < X.cols(), "both projection cases occur");
        }
    }

    void plainEvaluatorMatchesGraph() {
        // FieldEvaluator (what Model::field/lyapunov/predict use) against the graph evaluation.
        sd::Rng rng(19);
        for (int variant = 0; variant < 4; ++variant) {
            StableDynamicsOptions o = defaultOptions(variant % 2 == 1, variant == 2 ? G0Mode::FrozenAtInit : G0Mode::Recompute);
            o.fhatCenter = variant == 3;
            if (variant == 2) o.activation = sd::nn::Activation::tanh();
            const StableDynamics m(3, o, rng);
            if (variant == 2) for (const auto& b : m.lyapunov().icnn().b()) b.mutableValue().array() += 0.1;  // frozen c ≠ g(0)
            const FieldEvaluator ev(m);
            const MatrixXd X = rng.uniformMatrix(3, 300, -4, 4);
            ad::NoGradGuard g;
            const auto graph = m.evaluate(ad::Var::constant(X));
            const auto plain = ev.evaluate(X);
            auto close = [](const MatrixXd& a, const MatrixXd& b) {
                return (a - b).cwiseAbs().maxCoeff() <= 1e-11 * (1.0 + b.cwiseAbs().maxCoeff());
            };
            QVERIFY(close(plain.V, graph.V.value()));
            QVERIFY(close(plain.gradV, graph.gradV.value()));
            QVERIFY(close(plain.fhat, graph.fhat.value()));
            QVERIFY(close(plain.f, graph.f.value()));
            if (variant != 2) QCOMPARE(ev.lyapunov(MatrixXd::Zero(3, 1))[0], 0.0);
        }
    }

    void lyapunovFunctionIsConvexWithoutWarp() {
        sd::Rng rng(14);
        const StableDynamics m(2, defaultOptions(false, G0Mode::Recompute), rng);
        const MatrixXd X = rng.uniformMatrix(2, 10000, -5, 5), Y = rng.uniformMatrix(2, 10000, -5, 5);
        ad::NoGradGuard g;
        auto V = [&](const MatrixXd& P) { return Eigen::RowVectorXd(m.lyapunov().evaluate(ad::Var::constant(P), false).V.value()); };
        const Eigen::RowVectorXd mid = V(0.5 * (X + Y)), vx = V(X), vy = V(Y);
        QVERIFY(((mid.array() - 0.5 * (vx.array() + vy.array())) <= 1e-12 * (1.0 + vx.array().abs() + vy.array().abs())).all());
        for (const auto& U : m.lyapunov().icnn().U()) QVERIFY((ad::softplus(U).value().array() >= 0.0).all());
    }

    void projectionGuardAtOrigin() {
        // docs/methods/stable-dynamics.md §5.2: f is finite at x = 0 and on a symmetric odd grid; at 0, ∇V = 0
        // exactly and f = f̂.
        sd::Rng rng(15);
        const StableDynamics m(2, defaultOptions(false, G0Mode::Recompute), rng);
        ad::NoGradGuard g;
        const auto at0 = m.evaluate(ad::Var::constant(MatrixXd::Zero(2, 1)));
        QCOMPARE(at0.gradV.value().squaredNorm(), 0.0);
        QVERIFY(at0.f.value().allFinite());
        QVERIFY(at0.f.value() == at0.fhat.value());
        const int side = 65;
        MatrixXd grid(2, side * side);
        for (int i = 0; i < side; ++i)
            for (int j = 0; j < side; ++j) grid.col(i * side + j) << -5.0 + 10.0 * j / (side - 1), -5.0 + 10.0 * i / (side - 1);
        QVERIFY(m.field(grid).allFinite());
        // With the optional denominator epsilon as well.
        StableDynamicsOptions o = defaultOptions(false, G0Mode::Recompute);
        o.projDenominatorEps = 1e-9;
        sd::Rng rng2(15);
        const StableDynamics me(2, o, rng2);
        QVERIFY(me.field(grid).allFinite());
        QVERIFY(me.field(MatrixXd::Zero(2, 1)) == me.nominalField(MatrixXd::Zero(2, 1)));
    }

    void frozenOffsetDriftsButRecomputeStaysExact() {
        // docs/methods/stable-dynamics.md §3: after a parameter perturbation, frozen_at_init gives V(0) ≠ 0;
        // recompute keeps V(0) = 0.
        for (const G0Mode mode : {G0Mode::FrozenAtInit, G0Mode::Recompute}) {
            sd::Rng rng(16);
            const StableDynamics m(2, defaultOptions(false, mode), rng);
            QCOMPARE(vSingle(m.lyapunov(), Eigen::VectorXd::Zero(2)), 0.0);
            for (const auto& b : m.lyapunov().icnn().b()) b.mutableValue().array() += 0.5;  // raises g(0) by ≥ 0.5
            const double v0 = vSingle(m.lyapunov(), Eigen::VectorXd::Zero(2));
            if (mode == G0Mode::FrozenAtInit) QVERIFY2(v0 > 0.0, "frozen offset: V(0) > 0 after raising g(0)");
            else QCOMPARE(v0, 0.0);
        }
    }

    void warpIsInvertible() {
        sd::Rng rng(17);
        for (const double inflate : {1.0, 100.0}) {
            ResidualWarp w(3, 8, 0.7, rng);
            const auto params = w.parameters();
            for (const auto& e : params.entries()) e.var.mutableValue() *= inflate;  // the bound holds for any parameters
            QVERIFY(w.lipschitzBound() <= 0.7 + 1e-15);
            const MatrixXd X = rng.uniformMatrix(3, 500, -4, 4), Y = rng.uniformMatrix(3, 500, -4, 4);
            const MatrixXd FX = w.apply(X), FY = w.apply(Y);
            // Residual Lipschitz ≤ γ empirically; F is injective with ‖F(x) − F(y)‖ ≥ (1 − γ)‖x − y‖.
            const Eigen::RowVectorXd dx = (X - Y).colwise().norm(), dr = ((FX - X) - (FY - Y)).colwise().norm(),
                                     df = (FX - FY).colwise().norm();
            QVERIFY(((dr.array() <= 0.7 * dx.array() * (1 + 1e-12))).all());
            QVERIFY(((df.array() >= 0.3 * dx.array() * (1 - 1e-12))).all());
            QVERIFY((w.inverse(FX) - X).cwiseAbs().maxCoeff() < 1e-12);
            QVERIFY((w.apply(w.inverse(Y)) - Y).cwiseAbs().maxCoeff() < 1e-12);
            // Graph evaluation equals the plain one, and det J > 0 (J built from Jᵀ e_i).
            ad::NoGradGuard g;
            const auto e = w.evaluate(ad::Var::constant(X.leftCols(20)));
            QVERIFY((e.y.value() - FX.leftCols(20)).cwiseAbs().maxCoeff() < 1e-13);
            for (Eigen::Index j = 0; j < 20; ++j) {
                const auto ej = w.evaluate(ad::Var::constant(X.col(j)));
                MatrixXd JT(3, 3);
                for (int i = 0; i < 3; ++i) JT.col(i) = w.jacobianTranspose(ej, ad::Var::constant(Eigen::VectorXd::Unit(3, i))).value();
                QVERIFY(JT.determinant() > 0.0);
            }
        }
        QVERIFY_THROWS_EXCEPTION(sd::Error, ResidualWarp(2, 4, 1.0, rng));
    }

    void badOptionsAreRefused() {
        sd::Rng rng(18);
        StableDynamicsOptions o;
        o.alpha = 0.0;
        QVERIFY_THROWS_EXCEPTION(sd::Error, StableDynamics(2, o, rng));
        o = {};
        o.lyapunov.eps = 0.0;
        QVERIFY_THROWS_EXCEPTION(sd::Error, StableDynamics(2, o, rng));
        o = {};
        o.lyapunov.hidden = {};
        QVERIFY_THROWS_EXCEPTION(sd::Error, StableDynamics(2, o, rng));
        const StableDynamics m(2, StableDynamicsOptions{}, rng);
        QVERIFY_THROWS_EXCEPTION(sd::Error, m.field(MatrixXd::Zero(3, 1)));
    }
};

QTEST_GUILESS_MAIN(TestLyapunovMath)
#include "test_lyapunov_math.moc"
