// Layers, initialisers and parameter containers: gradients against finite differences, ICNN convexity
// and closed-form input gradient.
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/nn/icnn.h"
#include "core/nn/init.h"
#include "core/nn/mlp.h"

#include <QtTest>
#include <functional>

using namespace sd;
using Eigen::MatrixXd;

namespace {

// ∂loss/∂every parameter (backward) against central differences on the stored values.
void checkParameterGradients(const nn::ParameterSet& params, const std::function<ad::Var()>& loss,
                             double tol = 1e-6, double h = 1e-6) {
    params.zeroGrad();
    ad::backward(loss());
    for (const auto& [name, var] : params.entries()) {
        const MatrixXd analytic = var.grad();
        MatrixXd& v = var.mutableValue();
        for (Eigen::Index k = 0; k < v.size(); ++k) {
            const double x0 = v.data()[k];
            v.data()[k] = x0 + h;
            const double fp = loss().item();
            v.data()[k] = x0 - h;
            const double fm = loss().item();
            v.data()[k] = x0;
            const double numeric = (fp - fm) / (2 * h);
            const double err = std::abs(numeric - analytic.data()[k]);
            QVERIFY2(err <= tol * (1.0 + std::abs(numeric)),
                     (name + "[" + std::to_string(k) + "]: analytic " + std::to_string(analytic.data()[k]) +
                      " numeric " + std::to_string(numeric)).c_str());
        }
    }
}

MatrixXd numericInputGradient(const std::function<double(const MatrixXd&)>& f, MatrixXd x, double h = 1e-6) {
    MatrixXd g(x.rows(), x.cols());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
        const double x0 = x.data()[k];
        x.data()[k] = x0 + h;
        const double fp = f(x);
        x.data()[k] = x0 - h;
        const double fm = f(x);
        x.data()[k] = x0;
        g.data()[k] = (fp - fm) / (2 * h);
    }
    return g;
}

}  // namespace

class TestNnLayers : public QObject {
    Q_OBJECT
private slots:
    void initialisersFollowPyTorchBounds() {
        Rng rng(1);
        const MatrixXd W = nn::kaimingUniform(rng, 64, 25);
        QVERIFY(W.cwiseAbs().maxCoeff() <= 1.0 / 5.0);
        QVERIFY(W.cwiseAbs().maxCoeff() > 0.95 / 5.0);  // the range is actually used
        const MatrixXd b = nn::uniformBias(rng, 400, 16);
        QVERIFY(b.cwiseAbs().maxCoeff() <= 0.25 && b.cwiseAbs().maxCoeff() > 0.24);
        const MatrixXd G = nn::glorotUniform(rng, 30, 20);
        QVERIFY(G.cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 50.0));
        const MatrixXd N = nn::glorotNormal(rng, 200, 200);
        const double sd = std::sqrt(N.squaredNorm() / N.size());
        QVERIFY(std::abs(sd - std::sqrt(2.0 / 400.0)) < 0.02 * std::sqrt(2.0 / 400.0) * 5);
        // Same seed → bit-identical; different seed → different.
        Rng a(42), c(42), d(43);
        QCOMPARE(nn::kaimingUniform(a, 3, 4), nn::kaimingUniform(c, 3, 4));
        QVERIFY(nn::kaimingUniform(a, 3, 4) != nn::kaimingUniform(d, 3, 4));
    }

    void parameterSetNamesAndFlattening() {
        Rng rng(2);
        const nn::MLP mlp({2, 5, 3}, nn::Activation::tanh(), rng);
        const nn::ParameterSet p = mlp.parameters();
        QCOMPARE(p.names(), (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias"}));
        QCOMPARE(p.totalSize(), Eigen::Index(5 * 2 + 5 + 3 * 5 + 3));
        const Eigen::VectorXd flat = p.flatten();
        p.unflatten(Eigen::VectorXd::Zero(flat.size()));
        QCOMPARE(p.get("1.weight").norm(), 0.0);
        p.unflatten(flat);
        QCOMPARE(p.flatten(), flat);
        QCOMPARE(p.get("0.weight"), mlp.layers()[0].weight().value());  // shared with the layer
        p.set("1.bias", MatrixXd::Constant(3, 1, 7.0));
        QCOMPARE(mlp.layers()[1].bias().value()(2, 0), 7.0);
        bool threw = false;
        try { p.set("1.bias", MatrixXd::Zero(2, 1)); } catch (const Error& e) {
            threw = std::string(e.what()).find("3x1") != std::string::npos;
        }
        QVERIFY(threw);
        nn::ParameterSet q;
        q.append("fhat", p);
        QVERIFY(q.contains("fhat.0.weight"));
        threw = false;
        try { q.append("fhat", p); } catch (const Error&) { threw = true; }
        QVERIFY(threw);
    }

    void mlpGradients() {
        Rng rng(3);
        const nn::MLP mlp({3, 7, 6, 2}, nn::Activation::tanh(), rng);
        const MatrixXd X = rng.normalMatrix(3, 9), Y = rng.normalMatrix(2, 9);
        checkParameterGradients(mlp.parameters(), [&] { return ad::mseLoss(mlp(ad::Var::constant(X)), ad::Var::constant(Y)); });
        // Input gradient.
        const ad::Var x = ad::Var::leaf(X, true);
        const MatrixXd gx = ad::grad(ad::mseLoss(mlp(x), ad::Var::constant(Y)), x).value();
        const MatrixXd gn = numericInputGradient(
            [&](const MatrixXd& xx) { return ad::mseLoss(mlp(ad::Var::constant(xx)), ad::Var::constant(Y)).item(); }, X);
        QVERIFY((gx - gn).cwiseAbs().maxCoeff() < 1e-8);
        // ReLU network too (inputs away from kinks with probability one).
        const nn::MLP relu({2, 8, 1}, nn::Activation::relu(), rng);
        const MatrixXd X2 = rng.normalMatrix(2, 5);
        checkParameterGradients(relu.parameters(), [&] { return ad::mean(ad::square(relu(ad::Var::constant(X2)))); });
    }

    void icnnStructureAndConvexity() {
        Rng rng(4);
        const nn::ICNN g({3, 20, 20, 1}, nn::Activation::rehu(0.05), rng);
        QCOMPARE(g.W().size(), std::size_t(3));
        QCOMPARE(g.U().size(), std::size_t(2));
        QCOMPARE(g.U()[0].value().rows(), Eigen::Index(20));
        QCOMPARE(g.U()[1].value().rows(), Eigen::Index(1));
        for (const auto& U : g.U()) QVERIFY((ad::softplus(U).value().array() >= 0).all());
        // Init bounds (docs/methods/core.md §3.3): W and b with fan-in n = 3, U with fan-in h = 20.
        for (std::size_t i = 0; i < 3; ++i) {
            QVERIFY(g.W()[i].value().cwiseAbs().maxCoeff() <= 1 / std::sqrt(3.0));
            QVERIFY(g.b()[i].value().cwiseAbs().maxCoeff() <= 1 / std::sqrt(3.0));
        }
        QVERIFY(g.U()[0].value().cwiseAbs().maxCoeff() <= 1 / std::sqrt(20.0));
        // Midpoint convexity on 10⁴ random pairs, evaluated as batches.
        const MatrixXd X = 3.0 * rng.normalMatrix(3, 10000), Y = 3.0 * rng.normalMatrix(3, 10000);
        ad::NoGradGuard noGrad;
        const MatrixXd gx = g(ad::Var::constant(X)).value();
        const MatrixXd gy = g(ad::Var::constant(Y)).value();
        const MatrixXd gm = g(ad::Var::constant(0.5 * (X + Y))).value();
        QVERIFY(((gm.array() - 0.5 * (gx.array() + gy.array())) <= 1e-12).all());
    }

    void icnnForwardMatchesReferenceFormula() {
        Rng rng(5);
        const nn::ICNN g({2, 4, 4, 1}, nn::Activation::relu(), rng);
        const MatrixXd x = rng.normalMatrix(2, 3);
        const auto sp = [](const MatrixXd& U) { return MatrixXd((1.0 + U.array().exp()).log()); };
        const auto& W = g.W();
        const auto& b = g.b();
        const auto& U = g.U();
        MatrixXd a0 = W[0].value() * x;
        a0.colwise() += b[0].value().col(0);
        const MatrixXd z0 = a0.cwiseMax(0.0);
        MatrixXd a1 = W[1].value() * x + sp(U[0].value()) * z0 / 4.0;
        a1.colwise() += b[1].value().col(0);
        const MatrixXd z1 = a1.cwiseMax(0.0);
        MatrixXd out = W[2].value() * x + sp(U[1].value()) * z1;
        out.array() += b[2].value()(0, 0);
        QVERIFY((g(ad::Var::constant(x)).value() - out).cwiseAbs().maxCoeff() < 1e-13);
    }

    void icnnClosedFormInputGradient() {
        Rng rng(6);
        for (nn::Activation act : {nn::Activation::rehu(0.5), nn::Activation::relu(), nn::Activation::softplus()}) {
            const nn::ICNN g({3, 6, 5, 1}, act, rng);
            const MatrixXd X = rng.normalMatrix(3, 7);
            const ad::Var x = ad::Var::leaf(X, true);
            const nn::ICNN::Output o = g.evaluate(x, true);
            QCOMPARE(o.gradient.rows(), Eigen::Index(3));
            QCOMPARE(o.gradient.cols(), Eigen::Index(7));
            // Against the engine's own reverse mode and against finite differences (rel. error < 1e-6).
            const MatrixXd viaAutodiff = ad::grad(o.g, x).value();
            QVERIFY((o.gradient.value() - viaAutodiff).cwiseAbs().maxCoeff() < 1e-12);
            const MatrixXd numeric = numericInputGradient(
                [&](const MatrixXd& xx) { return ad::sum(g(ad::Var::constant(xx))).item(); }, X);
            QVERIFY((o.gradient.value() - numeric).norm() < 1e-6 * (1.0 + numeric.norm()));
        }
    }

    void icnnParameterGradientsThroughInputGradient() {
        // The Lyapunov training pattern: a loss on g and on ∇ₓg, differentiated with respect to every
        // parameter by one ordinary reverse sweep. ReHU d = 1 puts many pre-activations inside (0, d),
        // so σ'' is exercised.
        Rng rng(7);
        const nn::ICNN g({2, 4, 4, 1}, nn::Activation::rehu(1.0), rng);
        const MatrixXd X = rng.normalMatrix(2, 6), F = rng.normalMatrix(2, 6);
        const auto loss = [&] {
            const nn::ICNN::Output o = g.evaluate(ad::Var::constant(X), true);
            const ad::Var proj = ad::colwiseDot(o.gradient, ad::Var::constant(F));
            return ad::add(ad::mean(ad::square(ad::relu(ad::add(proj, o.g)))), ad::mean(ad::colwiseSquaredNorm(o.gradient)));
        };
        checkParameterGradients(g.parameters(), loss, 1e-5);
        checkParameterGradients(g.parameters(), [&] { return ad::mean(g(ad::Var::constant(X))); });
    }

    void layerErrors() {
        Rng rng(8);
        const nn::MLP mlp({2, 3, 1}, nn::Activation::relu(), rng);
        bool threw = false;
        try { mlp(ad::Var::constant(MatrixXd::Zero(3, 4))); } catch (const Error& e) {
            threw = std::string(e.what()).find("3x4") != std::string::npos;
        }
        QVERIFY(threw);
        threw = false;
        try { nn::ICNN({2, 3, 1}, nn::Activation::tanh(), rng); } catch (const Error&) { threw = true; }
        QVERIFY(threw);
    }
};

QTEST_APPLESS_MAIN(TestNnLayers)
#include "test_nn_layers.moc"
