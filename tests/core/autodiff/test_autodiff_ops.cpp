// Every sd::ad op against central finite differences: first order (fast and create_graph adjoints) and
// second order (grad of grad), on random shapes.
#include "core/autodiff/backward.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"

#include <Eigen/LU>
#include <QtTest>

using namespace sd::ad;
using Eigen::MatrixXd;

namespace {

// Checks f to first and second order, and x ↦ square(f(x)) to second order (this pushes a
// non-constant adjoint through f's differentiable backward even when f is linear).
void checkOp(const char* name, const CheckedFunction& f, const std::vector<MatrixXd>& inputs, GradCheckOptions o = {}) {
    const GradCheckResult r1 = checkGradient(f, inputs, o);
    QVERIFY2(r1.ok, (std::string(name) + " first order: " + r1.message).c_str());
    const GradCheckResult r2 = checkSecondOrder(f, inputs, o);
    QVERIFY2(r2.ok, (std::string(name) + " second order: " + r2.message).c_str());
    const CheckedFunction sq = [&](const std::vector<Var>& x) { return square(f(x)); };
    const GradCheckResult r3 = checkSecondOrder(sq, inputs, o);
    QVERIFY2(r3.ok, (std::string(name) + " second order of square: " + r3.message).c_str());
}

// Random matrix with entries bounded away from 0 by `gap` (for ops with a kink at 0).
MatrixXd awayFromZero(sd::Rng& rng, Index r, Index c, double gap, double hi = 2.0) {
    MatrixXd m(r, c);
    for (Index k = 0; k < m.size(); ++k) {
        const double mag = rng.uniform(gap, hi);
        m.data()[k] = rng.uniform01() < 0.5 ? -mag : mag;
    }
    return m;
}

Index dim(sd::Rng& rng) { return rng.uniformInt(1, 5); }

}  // namespace

class TestAutodiffOps : public QObject {
    Q_OBJECT
private slots:
    void matmulAndLinear() {
        sd::Rng rng(11);
        for (int t = 0; t < 4; ++t) {
            const Index m = dim(rng), k = dim(rng), n = dim(rng);
            checkOp("matmul", [](auto& x) { return matmul(x[0], x[1]); },
                    {rng.normalMatrix(m, k), rng.normalMatrix(k, n)});
            checkOp("linear", [](auto& x) { return linear(x[0], x[1], x[2]); },
                    {rng.normalMatrix(m, k), rng.normalMatrix(k, n), rng.normalMatrix(m, 1)});
            checkOp("linear (no bias)", [](auto& x) { return linear(x[0], x[1], Var()); },
                    {rng.normalMatrix(m, k), rng.normalMatrix(k, n)});
            checkOp("transpose", [](auto& x) { return transpose(x[0]); }, {rng.normalMatrix(m, n)});
        }
        // The fused op equals its composition.
        const MatrixXd W = rng.normalMatrix(3, 2), x = rng.normalMatrix(2, 5), b = rng.normalMatrix(3, 1);
        const MatrixXd fused = linear(Var::constant(W), Var::constant(x), Var::constant(b)).value();
        const MatrixXd composed = add(matmul(Var::constant(W), Var::constant(x)), Var::constant(b)).value();
        QVERIFY((fused - composed).norm() < 1e-14);
    }

    void matmulWithTransposeFlags() {
        // alpha·op(A)·op(B) as one node: FD gradients (both adjoints, second order) for every flag combination,
        // and the value equals the composition with explicit transposes.
        sd::Rng rng(12);
        for (int t = 0; t < 3; ++t)
            for (const bool ta : {false, true})
                for (const bool tb : {false, true}) {
                    const Index m = dim(rng), k = dim(rng), n = dim(rng);
                    const double alpha = rng.uniform(-2.0, 2.0);
                    const MatrixXd A = ta ? rng.normalMatrix(k, m) : rng.normalMatrix(m, k);
                    const MatrixXd B = tb ? rng.normalMatrix(n, k) : rng.normalMatrix(k, n);
                    checkOp("matmul(transpose flags)", [=](auto& x) { return matmul(x[0], ta, x[1], tb, alpha); }, {A, B});
                    const Var a = Var::constant(A), b = Var::constant(B);
                    const MatrixXd composed =
                        scale(matmul(ta ? transpose(a) : a, tb ? transpose(b) : b), alpha).value();
                    QVERIFY((matmul(a, ta, b, tb, alpha).value() - composed).norm() <= 1e-14 * (1.0 + composed.norm()));
                }
        bool threw = false;
        try { matmul(Var::constant(MatrixXd::Zero(2, 3)), true, Var::constant(MatrixXd::Zero(3, 2)), false); }
        catch (const sd::Error&) { threw = true; }
        QVERIFY(threw);
    }

    void broadcastingBinary() {
        sd::Rng rng(12);
        const auto shapesFor = [&](Index r, Index c) {
            return std::vector<std::pair<Index, Index>>{{r, c}, {r, 1}, {1, c}, {1, 1}};
        };
        const std::vector<std::pair<const char*, CheckedFunction>> ops = {
            {"add", [](auto& x) { return add(x[0], x[1]); }},
            {"sub", [](auto& x) { return sub(x[0], x[1]); }},
            {"mul", [](auto& x) { return mul(x[0], x[1]); }},
            {"div", [](auto& x) { return div(x[0], x[1]); }},
        };
        for (int t = 0; t < 2; ++t) {
            const Index r = rng.uniformInt(2, 4), c = rng.uniformInt(2, 5);
            for (auto [sr, sc] : shapesFor(r, c))
                for (const auto& [name, op] : ops) {
                    // divisor bounded away from 0
                    checkOp(name, op, {rng.normalMatrix(r, c), awayFromZero(rng, sr, sc, 0.5)});
                    checkOp(name, op, {awayFromZero(rng, sr, sc, 0.5), awayFromZero(rng, r, c, 0.5)});
                }
        }
        // Broadcast semantics: matrix + column adds to every column; matrix + row to every row.
        const MatrixXd A = rng.normalMatrix(3, 4), col = rng.normalMatrix(3, 1), row = rng.normalMatrix(1, 4);
        const MatrixXd ac = add(Var::constant(A), Var::constant(col)).value();
        const MatrixXd ar = sub(Var::constant(row), Var::constant(A)).value();
        for (Index j = 0; j < 4; ++j)
            for (Index i = 0; i < 3; ++i) {
                QCOMPARE(ac(i, j), A(i, j) + col(i));
                QCOMPARE(ar(i, j), row(j) - A(i, j));
            }
    }

    void scalarOps() {
        sd::Rng rng(13);
        const MatrixXd x = awayFromZero(rng, 3, 4, 0.5);
        checkOp("affine", [](auto& v) { return affine(v[0], -1.7, 0.3); }, {x});
        checkOp("scalar*var", [](auto& v) { return 2.5 * v[0] - 1.0; }, {x});
        checkOp("var/scalar", [](auto& v) { return v[0] / 4.0 + 2.0; }, {x});
        checkOp("scalar-var", [](auto& v) { return 3.0 - v[0]; }, {x});
        checkOp("scalar/var", [](auto& v) { return 3.0 / v[0]; }, {x});
        checkOp("negate", [](auto& v) { return -v[0]; }, {x});
    }

    void unaryFunctions() {
        sd::Rng rng(14);
        for (int t = 0; t < 3; ++t) {
            const Index r = dim(rng), c = dim(rng);
            const MatrixXd any = rng.uniformMatrix(r, c, -2.0, 2.0);
            const MatrixXd positive = rng.uniformMatrix(r, c, 0.3, 2.0);
            const MatrixXd kinked = awayFromZero(rng, r, c, 0.05);
            checkOp("exp", [](auto& x) { return exp(x[0]); }, {any});
            checkOp("log", [](auto& x) { return log(x[0]); }, {positive});
            checkOp("tanh", [](auto& x) { return tanh(x[0]); }, {any});
            checkOp("sigmoid", [](auto& x) { return sigmoid(x[0]); }, {any});
            checkOp("softplus", [](auto& x) { return softplus(x[0]); }, {any});
            checkOp("relu", [](auto& x) { return relu(x[0]); }, {kinked});
            checkOp("leakyRelu", [](auto& x) { return leakyRelu(x[0], 0.3); }, {kinked});
            checkOp("square", [](auto& x) { return square(x[0]); }, {any});
            checkOp("sqrt", [](auto& x) { return sqrt(x[0]); }, {positive});
            checkOp("abs", [](auto& x) { return abs(x[0]); }, {kinked});
            checkOp("reciprocal", [](auto& x) { return reciprocal(x[0]); }, {positive});
            checkOp("pow", [](auto& x) { return pow(x[0], 2.7); }, {positive});
            checkOp("pow (integer, negative base)", [](auto& x) { return pow(x[0], 3.0); }, {kinked});
        }
    }

    void rehuFamily() {
        // Inputs in all three pieces (a ≤ 0, 0 < a < d, a ≥ d), kept 0.02 away from the kinks 0 and d.
        const double d = 0.5;
        MatrixXd a(3, 4);
        a << -1.3, -0.2, 0.1, 0.2, 0.3, 0.45, 0.6, 1.2, -0.05, 0.07, 2.0, 0.25;
        checkOp("rehu", [d](auto& x) { return rehu(x[0], d); }, {a});
        checkOp("rehuPrime", [d](auto& x) { return rehuPrime(x[0], d); }, {a});
        // Table of docs/methods/core.md §2.
        const double pts[] = {-1.0, 0.0, 0.1, 0.25, 0.5, 2.0};
        for (double p : pts) {
            const Var x = Var::scalar(p);
            const double expected = p <= 0 ? 0.0 : (p < d ? p * p / (2 * d) : p - d / 2);
            const double expectedPrime = p <= 0 ? 0.0 : (p < d ? p / d : 1.0);
            const double expectedSecond = (p > 0 && p < d) ? 1.0 / d : 0.0;
            QCOMPARE(rehu(x, d).item(), expected);
            QCOMPARE(rehuPrime(x, d).item(), expectedPrime);
            QCOMPARE(rehuSecond(x, d).item(), expectedSecond);
        }
        // C¹ at the kinks: values and slopes match from both sides.
        const double eps = 1e-9;
        for (double k : {0.0, d}) {
            QVERIFY(std::abs(rehu(Var::scalar(k - eps), d).item() - rehu(Var::scalar(k + eps), d).item()) < 1e-8);
            QVERIFY(std::abs(rehuPrime(Var::scalar(k - eps), d).item() - rehuPrime(Var::scalar(k + eps), d).item()) < 1e-8);
        }
        bool threw = false;
        try { rehu(Var::scalar(1.0), 0.0); } catch (const sd::Error&) { threw = true; }
        QVERIFY(threw);
    }

    void zeroDerivativeFunctions() {
        const Var x = Var::leaf((MatrixXd(1, 4) << -2.0, -0.1, 0.0, 3.0).finished(), true);
        QCOMPARE(step(x).value(), (MatrixXd(1, 4) << 0, 0, 0, 1).finished());
        QCOMPARE(sign(x).value(), (MatrixXd(1, 4) << -1, -1, 0, 1).finished());
        QCOMPARE(leakyStep(x, 0.2).value(), (MatrixXd(1, 4) << 0.2, 0.2, 0.2, 1).finished());
        QVERIFY(!step(x).requiresGrad());
        QVERIFY(!sign(x).requiresGrad());
        QVERIFY(!rehuSecond(x, 1.0).requiresGrad());
        // Products with them still differentiate in the other factor.
        const Var y = sum(mul(step(x), x));
        QCOMPARE(grad(y, x).value(), (MatrixXd(1, 4) << 0, 0, 0, 1).finished());
    }

    void numericallyStableActivations() {
        const Var x = Var::constant((MatrixXd(1, 4) << -800.0, -40.0, 40.0, 800.0).finished());
        const MatrixXd sp = softplus(x).value();
        const MatrixXd sg = sigmoid(x).value();
        QVERIFY(sp.allFinite() && sg.allFinite());
        QCOMPARE(sp(3), 800.0);
        QVERIFY(sp(0) >= 0.0 && sp(0) < 1e-300);
        QVERIFY(std::abs(sp(1) - std::exp(-40.0)) < 1e-30);
        QCOMPARE(sg(3), 1.0);
        QVERIFY(std::abs(sg(1) - std::exp(-40.0)) < 1e-30);
    }

    void reductions() {
        sd::Rng rng(15);
        for (int t = 0; t < 3; ++t) {
            const Index r = dim(rng), c = dim(rng);
            const MatrixXd x = rng.normalMatrix(r, c);
            checkOp("sum", [](auto& v) { return sum(v[0]); }, {x});
            checkOp("mean", [](auto& v) { return mean(v[0]); }, {x});
            checkOp("colwiseSum", [](auto& v) { return colwiseSum(v[0]); }, {x});
            checkOp("colwiseMean", [](auto& v) { return colwiseMean(v[0]); }, {x});
            checkOp("rowwiseSum", [](auto& v) { return rowwiseSum(v[0]); }, {x});
            checkOp("rowwiseMean", [](auto& v) { return rowwiseMean(v[0]); }, {x});
            checkOp("broadcastTo (column)", [r, c](auto& v) { return broadcastTo(v[0], r, c + 2); }, {rng.normalMatrix(r, 1)});
            checkOp("broadcastTo (row)", [r, c](auto& v) { return broadcastTo(v[0], r + 1, c); }, {rng.normalMatrix(1, c)});
            checkOp("broadcastTo (scalar)", [r, c](auto& v) { return broadcastTo(v[0], r, c); }, {rng.normalMatrix(1, 1)});
        }
        const MatrixXd x = (MatrixXd(2, 3) << 1, 2, 3, 4, 5, 6).finished();
        QCOMPARE(colwiseSum(Var::constant(x)).value(), (MatrixXd(1, 3) << 5, 7, 9).finished());
        QCOMPARE(rowwiseMean(Var::constant(x)).value(), (MatrixXd(2, 1) << 2, 5).finished());
        QCOMPARE(mean(Var::constant(x)).item(), 3.5);
    }

    void norms() {
        sd::Rng rng(16);
        for (int t = 0; t < 3; ++t) {
            const Index r = dim(rng), c = dim(rng);
            checkOp("squaredNorm", [](auto& v) { return squaredNorm(v[0]); }, {rng.normalMatrix(r, c)});
            checkOp("frobeniusNorm", [](auto& v) { return frobeniusNorm(v[0]); }, {rng.normalMatrix(r, c)});
            checkOp("colwiseSquaredNorm", [](auto& v) { return colwiseSquaredNorm(v[0]); }, {rng.normalMatrix(r, c)});
            checkOp("colwiseDot", [](auto& v) { return colwiseDot(v[0], v[1]); },
                    {rng.normalMatrix(r, c), rng.normalMatrix(r, c)});
        }
        const MatrixXd x = (MatrixXd(2, 2) << 3, 1, 4, 2).finished();
        QCOMPARE(frobeniusNorm(Var::constant(x)).item(), std::sqrt(30.0));
        QCOMPARE(colwiseSquaredNorm(Var::constant(x)).value(), (MatrixXd(1, 2) << 25, 5).finished());
    }

    void slicingAndConcatenation() {
        sd::Rng rng(17);
        for (int t = 0; t < 3; ++t) {
            const Index r = rng.uniformInt(3, 5), c = rng.uniformInt(3, 5);
            const MatrixXd x = rng.normalMatrix(r, c);
            checkOp("block", [](auto& v) { return block(v[0], 1, 1, 2, 2); }, {x});
            checkOp("rowsOf", [](auto& v) { return rowsOf(v[0], 1, 2); }, {x});
            checkOp("colsOf", [](auto& v) { return colsOf(v[0], 0, 2); }, {x});
            checkOp("padBlock", [r, c](auto& v) { return padBlock(v[0], 1, 2, r + 2, c + 3); }, {x});
            checkOp("hcat", [](auto& v) { return hcat({v[0], v[1], v[0]}); }, {x, rng.normalMatrix(r, 2)});
            checkOp("vcat", [](auto& v) { return vcat({v[0], v[1]}); }, {x, rng.normalMatrix(1, c)});
        }
        const MatrixXd a = (MatrixXd(2, 2) << 1, 2, 3, 4).finished();
        const MatrixXd h = hcat({Var::constant(a), Var::constant(a)}).value();
        QCOMPARE(h, (MatrixXd(2, 4) << 1, 2, 1, 2, 3, 4, 3, 4).finished());
        QCOMPARE(block(Var::constant(a), 1, 0, 1, 2).value(), (MatrixXd(1, 2) << 3, 4).finished());
    }

    void diagonalsAndTriangles() {
        sd::Rng rng(18);
        for (int t = 0; t < 3; ++t) {
            const Index r = dim(rng), c = dim(rng);
            const Index k = std::min(r, c);
            checkOp("diagonal", [](auto& v) { return diagonal(v[0]); }, {rng.normalMatrix(r, c)});
            checkOp("diagMatrix", [r, c](auto& v) { return diagMatrix(v[0], r, c); }, {rng.normalMatrix(k, 1)});
            checkOp("asDiagonal", [](auto& v) { return asDiagonal(v[0]); }, {rng.normalMatrix(r, 1)});
            for (Index off : {-1, 0, 1}) {
                checkOp("tril", [off](auto& v) { return tril(v[0], off); }, {rng.normalMatrix(r, c)});
                checkOp("triu", [off](auto& v) { return triu(v[0], off); }, {rng.normalMatrix(r, c)});
            }
        }
        const MatrixXd a = (MatrixXd(3, 3) << 1, 2, 3, 4, 5, 6, 7, 8, 9).finished();
        QCOMPARE(tril(Var::constant(a), -1).value(), (MatrixXd(3, 3) << 0, 0, 0, 4, 0, 0, 7, 8, 0).finished());
        QCOMPARE(triu(Var::constant(a), 1).value(), (MatrixXd(3, 3) << 0, 2, 3, 0, 0, 6, 0, 0, 0).finished());
        QCOMPARE(tril(Var::constant(a), 0).value(), MatrixXd(a.triangularView<Eigen::Lower>()));
    }

    void solvesAndInverse() {
        sd::Rng rng(19);
        for (int t = 0; t < 3; ++t) {
            const Index n = dim(rng), m = dim(rng);
            // Well-conditioned: diagonally dominated.
            const MatrixXd M = rng.normalMatrix(n, n) + 4.0 * MatrixXd::Identity(n, n);
            checkOp("solve", [](auto& v) { return solve(v[0], v[1]); }, {M, rng.normalMatrix(n, m)});
            checkOp("inverse", [](auto& v) { return inverse(v[0]); }, {M});
            checkOp("triangularSolve (lower)", [](auto& v) { return triangularSolve(v[0], v[1], true); },
                    {M, rng.normalMatrix(n, m)});
            checkOp("triangularSolve (upper)", [](auto& v) { return triangularSolve(v[0], v[1], false); },
                    {M, rng.normalMatrix(n, m)});
        }
        const MatrixXd M = (MatrixXd(2, 2) << 2, 1, 1, 3).finished();
        const MatrixXd B = (MatrixXd(2, 1) << 1, 2).finished();
        QVERIFY((solve(Var::constant(M), Var::constant(B)).value() - M.inverse() * B).norm() < 1e-14);
        QVERIFY((inverse(Var::constant(M)).value() * M - MatrixXd::Identity(2, 2)).norm() < 1e-14);
        // Only the chosen triangle is read.
        const MatrixXd L = (MatrixXd(2, 2) << 2, 99, 1, 4).finished();
        const MatrixXd y = triangularSolve(Var::constant(L), Var::constant(B), true).value();
        QVERIFY(std::abs(y(0) - 0.5) < 1e-15 && std::abs(y(1) - (2.0 - 0.5) / 4.0) < 1e-15);
    }

    void lossesAndComposites() {
        sd::Rng rng(20);
        const MatrixXd a = rng.normalMatrix(3, 5), b = rng.normalMatrix(3, 5);
        checkOp("mseLoss", [](auto& v) { return mseLoss(v[0], v[1]); }, {a, b});
        QVERIFY(std::abs(mseLoss(Var::constant(a), Var::constant(b)).item() - (a - b).squaredNorm() / 15.0) < 1e-14);
        // A two-layer tanh network, all parameters at once.
        checkOp("mlp", [](auto& v) { return linear(v[2], tanh(linear(v[0], v[4], v[1])), v[3]); },
                {rng.normalMatrix(4, 3), rng.normalMatrix(4, 1), rng.normalMatrix(2, 4), rng.normalMatrix(2, 1),
                 rng.normalMatrix(3, 6)});
    }
};

QTEST_APPLESS_MAIN(TestAutodiffOps)
#include "test_autodiff_ops.moc"
