// Optimisers (hand-computed steps), learning-rate schedules, gradient clipping, minibatch iteration.
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "core/nn/adam.h"
#include "core/nn/grad_clip.h"
#include "core/nn/lr_schedule.h"
#include "core/nn/minibatch.h"
#include "core/nn/sgd.h"

#include <QtTest>
#include <set>

using namespace sd;
using Eigen::MatrixXd;

namespace {

// Loss Σ c_i θ_i² (gradient 2 c ⊙ θ) on a 2-vector parameter.
ad::Var quadratic(const ad::Var& theta, const MatrixXd& c) { return ad::sum(ad::mul(ad::Var::constant(c), ad::square(theta))); }

}  // namespace

class TestNnOptim : public QObject {
    Q_OBJECT
private slots:
    void adamReproducesHandComputedSteps() {
        const MatrixXd c = (MatrixXd(2, 1) << 1.0, 3.0).finished();
        const ad::Var theta = ad::Var::parameter((MatrixXd(2, 1) << 1.0, -2.0).finished());
        nn::Adam adam({theta}, {0.1, 0.9, 0.999, 1e-8, 0.0});
        // Step 1 by hand: m̂ = g, v̂ = g², so θ ← θ − 0.1·g/(|g| + 1e-8) = θ − 0.1·sign(g)(1 − ~1e-9).
        adam.zeroGrad();
        ad::backward(quadratic(theta, c));
        adam.step();
        QVERIFY(std::abs(theta.value()(0) - (1.0 - 0.1 * 2.0 / (2.0 + 1e-8))) < 1e-15);
        QVERIFY(std::abs(theta.value()(1) - (-2.0 + 0.1 * 12.0 / (12.0 + 1e-8))) < 1e-15);
        QVERIFY(std::abs(theta.value()(0) - 0.9) < 1e-8 && std::abs(theta.value()(1) + 1.9) < 1e-8);
        // Steps 2 and 3 against a scalar re-derivation of the update rule.
        double th[2] = {1.0, -2.0}, m[2] = {0, 0}, v[2] = {0, 0};
        for (int t = 1; t <= 3; ++t) {
            for (int i = 0; i < 2; ++i) {
                const double g = 2 * c(i) * th[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                const double mh = m[i] / (1 - std::pow(0.9, t)), vh = v[i] / (1 - std::pow(0.999, t));
                th[i] -= 0.1 * mh / (std::sqrt(vh) + 1e-8);
            }
            if (t >= 2) {
                adam.zeroGrad();
                ad::backward(quadratic(theta, c));
                adam.step();
                QVERIFY(std::abs(theta.value()(0) - th[0]) < 1e-14);
                QVERIFY(std::abs(theta.value()(1) - th[1]) < 1e-14);
            }
        }
        QCOMPARE(adam.stepCount(), 3LL);
    }

    void adamWeightDecayIsL2() {
        // torch.optim.Adam adds wd·θ to the gradient: with zero loss gradient, step 1 moves by −lr·sign(θ).
        const ad::Var theta = ad::Var::parameter((MatrixXd(2, 1) << 0.5, -4.0).finished());
        nn::Adam adam({theta}, {0.01, 0.9, 0.999, 1e-8, 0.1});
        adam.zeroGrad();
        adam.step();
        QVERIFY(std::abs(theta.value()(0) - (0.5 - 0.01 * 0.05 / (0.05 + 1e-8))) < 1e-15);
        QVERIFY(std::abs(theta.value()(1) - (-4.0 + 0.01 * 0.4 / (0.4 + 1e-8))) < 1e-15);
    }

    void sgdMomentumHandComputed() {
        const MatrixXd c = MatrixXd::Ones(1, 1);
        const ad::Var theta = ad::Var::parameter(MatrixXd::Constant(1, 1, 1.0));
        nn::Sgd sgd({theta}, {0.1, 0.9, 0.0, 0.0, false});
        // g = 2θ. Step 1: buf = 2, θ = 1 − 0.2 = 0.8. Step 2: g = 1.6, buf = 0.9·2 + 1.6 = 3.4, θ = 0.8 − 0.34 = 0.46.
        for (int i = 0; i < 2; ++i) {
            sgd.zeroGrad();
            ad::backward(quadratic(theta, c));
            sgd.step();
        }
        QVERIFY(std::abs(theta.value()(0) - 0.46) < 1e-15);
        // Plain SGD with weight decay: θ ← θ − lr(g + wd θ).
        const ad::Var p = ad::Var::parameter(MatrixXd::Constant(1, 1, 2.0));
        nn::Sgd plain({p}, {0.5, 0.0, 0.0, 0.1, false});
        plain.zeroGrad();
        ad::backward(quadratic(p, c));
        plain.step();
        QVERIFY(std::abs(p.value()(0) - (2.0 - 0.5 * (4.0 + 0.2))) < 1e-15);
    }

    void schedules() {
        const nn::StepDecayLr step(1e-3, 0.1, 20, 1e-6);
        QCOMPARE(step.learningRate(0, 0), 1e-3);
        QCOMPARE(step.learningRate(19, 999), 1e-3);
        QVERIFY(std::abs(step.learningRate(20, 0) - 1e-4) < 1e-18);
        QVERIFY(std::abs(step.learningRate(45, 0) - 1e-5) < 1e-19);
        QCOMPARE(step.learningRate(200, 0), 1e-6);  // floored
        // PyTorch CyclicLR(base 0.001, max 0.006, step_size_up 2000), triangular.
        const nn::TriangularCyclicLr tri(0.001, 0.006, 2000);
        QVERIFY(std::abs(tri.learningRate(0, 0) - 0.001) < 1e-15);
        QVERIFY(std::abs(tri.learningRate(0, 1000) - 0.0035) < 1e-15);
        QVERIFY(std::abs(tri.learningRate(0, 2000) - 0.006) < 1e-15);
        QVERIFY(std::abs(tri.learningRate(0, 3000) - 0.0035) < 1e-15);
        QVERIFY(std::abs(tri.learningRate(0, 4000) - 0.001) < 1e-15);
        QVERIFY(std::abs(tri.learningRate(0, 4500) - 0.00225) < 1e-15);
        // Asymmetric cycle: up 1, down 3.
        const nn::TriangularCyclicLr asym(0.0, 1.0, 1, 3);
        QVERIFY(std::abs(asym.learningRate(0, 1) - 1.0) < 1e-15);
        QVERIFY(std::abs(asym.learningRate(0, 2) - 2.0 / 3.0) < 1e-15);
        QVERIFY(std::abs(asym.learningRate(0, 4) - 0.0) < 1e-15);
    }

    void gradientClipping() {
        const ad::Var a = ad::Var::parameter(MatrixXd::Zero(1, 2)), b = ad::Var::parameter(MatrixXd::Zero(2, 1));
        a.mutableGrad() << 3.0, 0.0;
        b.mutableGrad() << 0.0, 4.0;
        const double norm = nn::clipGradNorm({a, b}, 1.0);
        QCOMPARE(norm, 5.0);
        const double after = std::sqrt(a.grad().squaredNorm() + b.grad().squaredNorm());
        QVERIFY(std::abs(after - 5.0 / (5.0 + 1e-6)) < 1e-12);
        QVERIFY(std::abs(a.grad()(0, 0) / b.grad()(1, 0) - 0.75) < 1e-14);  // direction kept
        // Below the threshold: unchanged.
        QVERIFY(std::abs(nn::clipGradNorm({a, b}, 10.0) - after) < 1e-14);
        QVERIFY(std::abs(std::sqrt(a.grad().squaredNorm() + b.grad().squaredNorm()) - after) < 1e-14);
        b.mutableGrad() << -7.0, 0.05;
        nn::clipGradValue({b}, 0.1);
        QCOMPARE(b.grad()(0, 0), -0.1);
        QCOMPARE(b.grad()(1, 0), 0.05);
    }

    void minibatchIteration() {
        Rng r1(9), r2(9), r3(10);
        const auto b1 = nn::minibatches(10, 3, &r1);
        const auto b2 = nn::minibatches(10, 3, &r2);
        const auto b3 = nn::minibatches(10, 3, &r3);
        QCOMPARE(b1.size(), std::size_t(4));
        QCOMPARE(b1.back().size(), std::size_t(1));
        QVERIFY(b1 == b2);
        QVERIFY(b1 != b3);
        std::multiset<Eigen::Index> all;
        for (const auto& b : b1) all.insert(b.begin(), b.end());
        QCOMPARE(all.size(), std::size_t(10));
        for (Eigen::Index i = 0; i < 10; ++i) QCOMPARE(all.count(i), std::size_t(1));
        QCOMPARE(nn::minibatches(10, 3, nullptr, true).size(), std::size_t(3));
        QCOMPARE(nn::minibatches(10, 3, nullptr)[1], (std::vector<Eigen::Index>{3, 4, 5}));
        QCOMPARE(nn::minibatches(10, 0, nullptr).size(), std::size_t(1));
        const MatrixXd m = (MatrixXd(2, 3) << 1, 2, 3, 4, 5, 6).finished();
        const std::vector<Eigen::Index> idx{2, 0};
        QCOMPARE(nn::gatherColumns(m, idx), (MatrixXd(2, 2) << 3, 1, 6, 4).finished());
    }
};

QTEST_APPLESS_MAIN(TestNnOptim)
#include "test_nn_optim.moc"
