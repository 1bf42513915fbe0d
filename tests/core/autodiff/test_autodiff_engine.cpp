// The graph engine: gradient accumulation, grad() semantics, double backprop, custom nodes, errors.
#include "core/autodiff/backward.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"

#include <QtTest>

using namespace sd::ad;
using Eigen::MatrixXd;

namespace {

// y = A·x with a fast adjoint only (no second order), like an implicit layer would provide.
class FastOnlyMatVec final : public Node {
public:
    FastOnlyMatVec(const Var& A, const Var& x) : Node({A, x}, A.value() * x.value()) {}
    const char* name() const override { return "fastOnlyMatVec"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        if (gi[0]) *gi[0] += g * inputs_[1].value().transpose();
        if (gi[1]) *gi[1] += inputs_[0].value().transpose() * g;
    }
};

// y = x³ elementwise with a differentiable adjoint only; the fast path comes from the default.
class GraphOnlyCube final : public Node {
public:
    explicit GraphOnlyCube(const Var& x) : Node({x}, x.value().array().cube().matrix()) {}
    const char* name() const override { return "graphOnlyCube"; }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {mul(g, scale(square(inputs_[0]), 3.0))};
    }
};

// y = 2x with a deliberately wrong adjoint (3ḡ): the checker must catch it.
class WrongAdjoint final : public Node {
public:
    explicit WrongAdjoint(const Var& x) : Node({x}, 2.0 * x.value()) {}
    const char* name() const override { return "wrongAdjoint"; }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override { return {scale(g, 3.0)}; }
};

bool messageHas(const sd::Error& e, std::initializer_list<const char*> parts) {
    const std::string m = e.what();
    for (const char* p : parts)
        if (m.find(p) == std::string::npos) return false;
    return true;
}

}  // namespace

class TestAutodiffEngine : public QObject {
    Q_OBJECT
private slots:
    void backwardAccumulatesIntoLeaves() {
        const Var w = Var::parameter((MatrixXd(2, 1) << 1.0, -2.0).finished());
        const Var x = Var::constant((MatrixXd(2, 3) << 1, 2, 3, 4, 5, 6).finished());
        // L = Σ_j (wᵀx_j)² → ∂L/∂w = 2 Σ_j (wᵀx_j) x_j
        const auto loss = [&] { return sum(square(matmul(transpose(w), x))); };
        backward(loss());
        const MatrixXd s = w.value().transpose() * x.value();
        const MatrixXd expected = 2.0 * x.value() * s.transpose();
        QVERIFY((w.grad() - expected).norm() < 1e-12);
        backward(loss());
        QVERIFY((w.grad() - 2.0 * expected).norm() < 1e-12);
        w.zeroGrad();
        QCOMPARE(w.grad().norm(), 0.0);
    }

    void sharedSubexpressionsSumTheirPaths() {
        const Var x = Var::parameter(MatrixXd::Constant(1, 1, 3.0));
        const Var y = mul(x, x);          // x²
        const Var z = add(mul(y, x), y);  // x³ + x²
        backward(z);
        QCOMPARE(x.grad()(0, 0), 3 * 9.0 + 2 * 3.0);
    }

    void gradOfNonScalarIsGradOfSum() {
        sd::Rng rng(3);
        const Var x = Var::leaf(rng.normalMatrix(2, 4), true);
        const Var W = Var::constant(rng.normalMatrix(3, 2));
        // V_j = ‖W x_j‖², columns independent → grad gives ∇V per column: 2 WᵀW x_j
        const Var V = colwiseSquaredNorm(matmul(W, x));
        const MatrixXd g = grad(V, x).value();
        QVERIFY((g - 2.0 * W.value().transpose() * W.value() * x.value()).norm() < 1e-12);
        // Leaf storage is untouched by grad().
        QCOMPARE(x.grad().norm(), 0.0);
    }

    void gradWithRespectToIntermediateAndUnrelated() {
        const Var x = Var::leaf(MatrixXd::Constant(2, 2, 0.5), true);
        const Var h = tanh(x);
        const Var unrelated = Var::leaf(MatrixXd::Ones(3, 1), true);
        const Var L = sum(square(h));
        const std::vector<Var> g = grad(L, {h, unrelated, x});
        QVERIFY((g[0].value() - 2.0 * h.value()).norm() < 1e-14);
        QCOMPARE(g[1].value(), MatrixXd::Zero(3, 1).eval());
        const MatrixXd dx = 2.0 * h.value().array() * (1.0 - h.value().array().square());
        QVERIFY((g[2].value() - dx).norm() < 1e-14);
    }

    void createGraphResultsAreDifferentiable() {
        const Var x = Var::leaf(MatrixXd::Constant(1, 1, 0.7), true);
        const Var y = exp(scale(x, 2.0));                    // e^{2x}
        const Var dy = grad(y, x, true);                    // 2 e^{2x}
        QVERIFY(dy.requiresGrad());
        const Var d2y = grad(dy, x, true);                  // 4 e^{2x}
        const Var d3y = grad(d2y, x, false);                // 8 e^{2x}
        const double e = std::exp(1.4);
        QVERIFY(std::abs(dy.item() - 2 * e) < 1e-12);
        QVERIFY(std::abs(d2y.item() - 4 * e) < 1e-12);
        QVERIFY(std::abs(d3y.item() - 8 * e) < 1e-12);
        QVERIFY(!grad(y, x, false).requiresGrad());
    }

    // The Lyapunov pattern: a loss through ∇ₓV, differentiated with respect to parameters.
    void doubleBackpropThroughInputGradient() {
        sd::Rng rng(4);
        const MatrixXd W0 = rng.normalMatrix(5, 2), b0 = rng.normalMatrix(5, 1), W1 = rng.normalMatrix(1, 5);
        const MatrixXd X = rng.normalMatrix(2, 6), F = rng.normalMatrix(2, 6);
        const CheckedFunction lossOf = [&](const std::vector<Var>& p) {
            const Var x = Var::leaf(X, true);
            const Var V = matmul(p[2], softplus(linear(p[0], x, p[1])));  // 1×B
            const Var gradV = grad(V, x, true);                           // 2×B
            const Var proj = colwiseDot(gradV, Var::constant(F));         // ∇Vᵀ f
            return add(mean(square(relu(proj))), mean(colwiseSquaredNorm(gradV)));
        };
        const GradCheckResult r = checkGradient(lossOf, {W0, b0, W1});
        QVERIFY2(r.ok, r.message.c_str());
        const GradCheckResult r2 = checkSecondOrder(lossOf, {W0, b0, W1}, {1e-5, 1e-5, 1e-4, 7});
        QVERIFY2(r2.ok, r2.message.c_str());
    }

    void customNodes() {
        sd::Rng rng(5);
        const MatrixXd A = rng.normalMatrix(3, 2), x = rng.normalMatrix(2, 4);
        // Fast-only node: first order works, create_graph is refused with an sd::Error naming the op.
        const CheckedFunction f = [](const std::vector<Var>& v) { return tanh(makeVar<FastOnlyMatVec>(v[0], v[1])); };
        const GradCheckOptions o;
        {
            const std::vector<Var> leaves{Var::leaf(A, true), Var::leaf(x, true)};
            const Var L = sum(f(leaves));
            const std::vector<Var> g = grad(L, leaves);
            const MatrixXd y = A * x;
            const MatrixXd gy = 1.0 - y.array().tanh().square();
            QVERIFY((g[0].value() - gy * x.transpose()).norm() < 1e-12);
            QVERIFY((g[1].value() - A.transpose() * gy).norm() < 1e-12);
            try {
                grad(L, leaves, true);
                QFAIL("create_graph through a fast-only node must throw");
            } catch (const sd::Error& e) {
                QVERIFY(messageHas(e, {"fastOnlyMatVec"}));
            }
        }
        // Graph-only node: both orders through the default fast path.
        const CheckedFunction cube = [](const std::vector<Var>& v) { return makeVar<GraphOnlyCube>(v[0]); };
        const GradCheckResult r1 = checkGradient(cube, {x}, o);
        QVERIFY2(r1.ok, r1.message.c_str());
        const GradCheckResult r2 = checkSecondOrder(cube, {x}, o);
        QVERIFY2(r2.ok, r2.message.c_str());
    }

    void gradcheckDetectsWrongAdjoints() {
        const CheckedFunction f = [](const std::vector<Var>& v) { return square(makeVar<WrongAdjoint>(v[0])); };
        const MatrixXd x = MatrixXd::Constant(2, 2, 0.5);
        QVERIFY(!checkGradient(f, {x}).ok);
        QVERIFY(!checkSecondOrder(f, {x}).ok);
    }

    void shapeErrorsNameBothShapes() {
        const Var a = Var::constant(MatrixXd::Zero(2, 3)), b = Var::constant(MatrixXd::Zero(4, 5));
        const auto expectError = [&](auto fn, std::initializer_list<const char*> parts) {
            try {
                fn();
                QFAIL("expected sd::Error");
            } catch (const sd::Error& e) {
                QVERIFY2(messageHas(e, parts), e.what());
            }
        };
        expectError([&] { matmul(a, b); }, {"matmul", "2x3", "4x5"});
        expectError([&] { add(a, b); }, {"add", "2x3", "4x5"});
        expectError([&] { mul(a, Var::constant(MatrixXd::Zero(3, 1))); }, {"mul", "2x3", "3x1"});
        expectError([&] { linear(a, b, Var()); }, {"linear", "2x3", "4x5"});
        expectError([&] { hcat({a, b}); }, {"hcat", "2x3", "4x5"});
        expectError([&] { vcat({a, b}); }, {"vcat", "2x3", "4x5"});
        expectError([&] { solve(Var::constant(MatrixXd::Identity(2, 2)), b); }, {"solve", "2x2", "4x5"});
        expectError([&] { block(a, 1, 1, 2, 2); }, {"block", "2x3"});
        expectError([&] { mseLoss(a, b); }, {"mseLoss", "2x3", "4x5"});
        expectError([&] { solve(Var::constant(MatrixXd::Zero(2, 2)), Var::constant(MatrixXd::Ones(2, 1))); },
                    {"solve", "singular"});
        expectError([&] { backward(Var::leaf(MatrixXd::Ones(2, 2), true)); }, {"backward", "2x2"});
        expectError([&] { backward(sum(a)); }, {"backward"});
    }

    void noGradGuardStopsTracking() {
        const Var w = Var::parameter(MatrixXd::Ones(2, 2));
        {
            NoGradGuard guard;
            QVERIFY(!matmul(w, w).requiresGrad());
        }
        QVERIFY(matmul(w, w).requiresGrad());
    }

    void deepGraphsDoNotOverflowTheStack() {
        const Var x = Var::parameter(MatrixXd::Constant(1, 1, 1.0));
        Var y = x;
        for (int i = 0; i < 20000; ++i) y = affine(y, 1.0, 0.001);
        backward(y);
        QCOMPARE(x.grad()(0, 0), 1.0);
    }
};

QTEST_APPLESS_MAIN(TestAutodiffEngine)
#include "test_autodiff_engine.moc"
