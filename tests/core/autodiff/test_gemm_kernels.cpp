// The compute kernels under the autodiff ops: sd::ad::gemm on every kernel this CPU can run (portable, AVX2,
// AVX-512) against a long-double reference, and the branch-free piecewise activation loops against the scalar
// formulas bit for bit. Then a whole first- and second-order gradient through an MLP and an ICNN with the
// portable kernel against the fastest one (the same mathematics, rounding only).
#include "core/autodiff/backward.h"
#include "core/autodiff/gemm.h"
#include "core/autodiff/ops.h"
#include "core/autodiff/piecewise_kernels.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/nn/icnn.h"
#include "core/nn/mlp.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace sd::ad;
using Eigen::MatrixXd;

namespace {

std::vector<GemmKernel> availableKernels() {
    std::vector<GemmKernel> ks;
    for (GemmKernel k : {GemmKernel::Portable, GemmKernel::Avx2, GemmKernel::Avx512})
        if (gemmKernelAvailable(k)) ks.push_back(k);
    return ks;
}

/// Restores the process's kernel when a test ends.
struct KernelScope {
    GemmKernel saved = gemmKernel();
    ~KernelScope() { setGemmKernel(saved); }
};

MatrixXd referenceProduct(double alpha, const MatrixXd& A, bool ta, const MatrixXd& B, bool tb, double beta, const MatrixXd& C) {
    const MatrixXd a = ta ? MatrixXd(A.transpose()) : A, b = tb ? MatrixXd(B.transpose()) : B;
    MatrixXd out(a.rows(), b.cols());
    for (Index i = 0; i < a.rows(); ++i)
        for (Index j = 0; j < b.cols(); ++j) {
            long double s = 0;
            for (Index l = 0; l < a.cols(); ++l) s += static_cast<long double>(a(i, l)) * b(l, j);
            out(i, j) = static_cast<double>(alpha * s + (beta == 0.0 ? 0.0L : static_cast<long double>(beta) * C(i, j)));
        }
    return out;
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

class TestGemmKernels : public QObject {
    Q_OBJECT
private slots:
    void portableIsAlwaysAvailableAndBestIsDefault() {
        QVERIFY(gemmKernelAvailable(GemmKernel::Portable));
        QVERIFY(gemmKernelAvailable(bestGemmKernel()));
        QCOMPARE(gemmKernel(), bestGemmKernel());
        qInfo("gemm kernel on this machine: %s", gemmKernelName(gemmKernel()));
    }

    void everyKernelMatchesTheReference() {
        KernelScope scope;
        sd::Rng rng(3);
        const std::vector<std::array<Index, 3>> shapes{{1, 1, 1}, {3, 5, 2}, {7, 1, 9}, {1, 13, 6}, {17, 33, 29},
                                                       {60, 257, 60}, {100, 64, 3}, {9, 300, 45}};
        for (GemmKernel k : availableKernels()) {
            setGemmKernel(k);
            for (const auto& [m, n, kk] : shapes)
                for (const bool ta : {false, true})
                    for (const bool tb : {false, true})
                        for (const double beta : {0.0, 1.0, -0.5}) {
                            const double alpha = rng.uniform(-2.0, 2.0);
                            const MatrixXd A = ta ? rng.normalMatrix(kk, m) : rng.normalMatrix(m, kk);
                            const MatrixXd B = tb ? rng.normalMatrix(n, kk) : rng.normalMatrix(kk, n);
                            MatrixXd C = rng.normalMatrix(m, n);
                            const MatrixXd expected = referenceProduct(alpha, A, ta, B, tb, beta, C);
                            // Rounding bound: ~ε·k·(|α|·|op(A)|·|op(B)| + |β|·|C|) entrywise.
                            const double magnitude =
                                1.0 + referenceProduct(std::abs(alpha), A.cwiseAbs(), ta, B.cwiseAbs(), tb, std::abs(beta),
                                                       C.cwiseAbs()).maxCoeff();
                            if (beta == 0.0) C.setConstant(std::numeric_limits<double>::quiet_NaN());  // never read
                            gemm(alpha, A, ta, B, tb, beta, C);
                            QVERIFY2(C.allFinite(), gemmKernelName(k));
                            QVERIFY2((C - expected).cwiseAbs().maxCoeff() <= 4e-16 * magnitude * double(kk + 2), gemmKernelName(k));
                        }
        }
    }

    void resultsDoNotDependOnBufferAlignment() {
        // The same product with the operands and the result placed at every offset modulo 64 bytes gives the same
        // bits (the kernels never take alignment-dependent paths — identical runs must give identical models).
        KernelScope scope;
        sd::Rng rng(7);
        for (GemmKernel k : availableKernels()) {
            setGemmKernel(k);
            for (const auto& [m, n, kk] : std::vector<std::array<Index, 3>>{{3, 4, 5}, {7, 1, 6}, {1, 9, 4}, {1, 1, 19}, {13, 11, 17}, {40, 33, 20}}) {
                for (int flags = 0; flags < 4; ++flags) {
                    const bool ta = flags & 1, tb = flags & 2;
                    const MatrixXd A = ta ? rng.normalMatrix(kk, m) : rng.normalMatrix(m, kk);
                    const MatrixXd B = tb ? rng.normalMatrix(n, kk) : rng.normalMatrix(kk, n);
                    MatrixXd first;
                    for (Index offset = 0; offset < 8; ++offset) {
                        std::vector<double> a(static_cast<std::size_t>(A.size() + 8)), b(static_cast<std::size_t>(B.size() + 8)),
                            c(static_cast<std::size_t>(m * n + 8));
                        Eigen::Map<MatrixXd> Am(a.data() + offset, A.rows(), A.cols()), Bm(b.data() + offset, B.rows(), B.cols()),
                            Cm(c.data() + offset, m, n);
                        Am = A;
                        Bm = B;
                        gemm(0.7, Am, ta, Bm, tb, 0.0, Cm);
                        if (offset == 0) first = Cm;
                        else QVERIFY2(std::memcmp(first.data(), Cm.data(), sizeof(double) * static_cast<std::size_t>(m * n)) == 0,
                                      gemmKernelName(k));
                    }
                }
            }
        }
    }

    void blocksAndEmptyShapes() {
        KernelScope scope;
        sd::Rng rng(4);
        for (GemmKernel k : availableKernels()) {
            setGemmKernel(k);
            // Blocks with an outer stride, written in place inside a bigger matrix (the rest untouched).
            const MatrixXd big = rng.normalMatrix(20, 30);
            MatrixXd out = MatrixXd::Constant(12, 15, 7.0);
            gemm(1.0, big.block(2, 3, 5, 8), true, big.block(4, 10, 5, 6), false, 0.0, out.block(1, 2, 8, 6));
            const MatrixXd expected = big.block(2, 3, 5, 8).transpose() * big.block(4, 10, 5, 6);
            QVERIFY((out.block(1, 2, 8, 6) - expected).cwiseAbs().maxCoeff() < 1e-13);
            out.block(1, 2, 8, 6).setConstant(7.0);
            QVERIFY((out.array() == 7.0).all());
            // Empty inner dimension: the product is zero (beta = 0 clears, beta = 1 keeps).
            MatrixXd C = MatrixXd::Constant(3, 4, std::numeric_limits<double>::quiet_NaN());
            gemm(1.0, MatrixXd(3, 0), false, MatrixXd(0, 4), false, 0.0, C);
            QVERIFY((C.array() == 0.0).all());
            C.setOnes();
            gemm(1.0, MatrixXd(3, 0), false, MatrixXd(0, 4), false, 1.0, C);
            QVERIFY((C.array() == 1.0).all());
            QCOMPARE(product(MatrixXd(0, 5), MatrixXd(5, 3)).rows(), Index(0));
        }
        bool threw = false;
        try {
            MatrixXd C(2, 2);
            gemm(1.0, MatrixXd::Zero(2, 3), false, MatrixXd::Zero(2, 2), false, 0.0, C);
        } catch (const sd::Error&) { threw = true; }
        QVERIFY(threw);
    }

    void piecewiseKernelsAreBitIdenticalToTheScalarFormulas() {
        const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
        sd::Rng rng(5);
        for (const double d : {0.005, 0.5, 1.0}) {
            std::vector<double> x{0.0, -0.0, d, -d, d / 2, std::nextafter(d, 0.0), std::nextafter(0.0, 1.0), -1e-300,
                                  1e300, -1e300, inf, -inf, nan};
            for (int i = 0; i < 200; ++i) x.push_back(rng.uniform(-3 * d, 3 * d));
            x.push_back(0.3 * d);  // odd length: the scalar tail runs too
            const Index n = static_cast<Index>(x.size());
            std::vector<double> g(x.size()), y(x.size()), acc(x.size());
            for (auto& v : g) v = rng.normal();
            g[3] = nan;  // must not leak where the derivative is 0
            const auto rehu = [d](double v) { return v <= 0 ? 0.0 : (v < d ? v * v / (2 * d) : v - d / 2); };
            const auto rehuP = [d](double v) { return v <= 0 ? 0.0 : (v < d ? v / d : 1.0); };
            const auto rehuS = [d](double v) { return (v > 0 && v < d) ? 1.0 / d : 0.0; };
            const double slope = 0.1;
            const auto check = [&](const char* what, auto expected) {
                for (Index i = 0; i < n; ++i)
                    QVERIFY2(sameBits(y[i], expected(i)) || (std::isnan(y[i]) && std::isnan(expected(i))),
                             (std::string(what) + " at x = " + std::to_string(x[i])).c_str());
            };
            detail::rehuValue(x.data(), y.data(), n, d);
            check("rehu", [&](Index i) { return rehu(x[i]); });
            detail::rehuPrimeValue(x.data(), y.data(), n, d);
            check("rehuPrime", [&](Index i) { return rehuP(x[i]); });
            detail::rehuSecondValue(x.data(), y.data(), n, d);
            check("rehuSecond", [&](Index i) { return rehuS(x[i]); });
            detail::stepValue(x.data(), y.data(), n);
            check("step", [&](Index i) { return x[i] > 0.0 ? 1.0 : 0.0; });
            detail::leakyReluValue(x.data(), y.data(), n, slope);
            check("leakyRelu", [&](Index i) { return x[i] > 0 ? x[i] : slope * x[i]; });
            detail::leakyStepValue(x.data(), y.data(), n, slope);
            check("leakyStep", [&](Index i) { return x[i] > 0 ? 1.0 : slope; });
            for (Index i = 0; i < n; ++i) acc[i] = 0.25 * static_cast<double>(i);
            const auto gradCheck = [&](const char* what, auto kernel, auto term) {
                y = acc;
                kernel(x.data(), g.data(), y.data(), n);
                check(what, [&](Index i) { return acc[i] + term(i); });
            };
            gradCheck("reluGradAdd", [](auto... a) { detail::reluGradAdd(a...); }, [&](Index i) { return x[i] > 0.0 ? g[i] : 0.0; });
            gradCheck("leakyReluGradAdd", [&](auto... a) { detail::leakyReluGradAdd(a..., slope); },
                      [&](Index i) { return x[i] > 0.0 ? g[i] : slope * g[i]; });
            gradCheck("rehuGradAdd", [&](auto... a) { detail::rehuGradAdd(a..., d); }, [&](Index i) { return g[i] * rehuP(x[i]); });
            gradCheck("rehuPrimeGradAdd", [&](auto... a) { detail::rehuPrimeGradAdd(a..., d); },
                      [&](Index i) { return g[i] * rehuS(x[i]); });
        }
    }

    void networkGradientsAgreeAcrossKernels() {
        // The MLP and the ICNN with its closed-form input gradient, a loss through that gradient (the
        // double backward of lyapunov-net) — every parameter gradient with each kernel against the portable one.
        KernelScope scope;
        sd::Rng rng(6);
        const sd::nn::MLP mlp({3, 40, 40, 3}, sd::nn::Activation::relu(), rng);
        const sd::nn::ICNN icnn({3, 30, 30, 1}, sd::nn::Activation::rehu(0.01), rng);
        const MatrixXd X = rng.normalMatrix(3, 300);
        auto gradients = [&] {
            std::vector<Var> params = mlp.parameters().vars();
            for (const Var& p : icnn.parameters().vars()) params.push_back(p);
            const Var x = Var::constant(X);
            const auto g = icnn.evaluate(x, true);
            const Var loss = add(mseLoss(mlp(x), g.gradient), mean(square(g.g)));
            std::vector<MatrixXd> out;
            for (const Var& v : grad(loss, params)) out.push_back(v.value());
            return out;
        };
        setGemmKernel(GemmKernel::Portable);
        const std::vector<MatrixXd> reference = gradients();
        for (GemmKernel k : availableKernels()) {
            setGemmKernel(k);
            const std::vector<MatrixXd> got = gradients();
            QCOMPARE(got.size(), reference.size());
            for (std::size_t i = 0; i < got.size(); ++i)
                QVERIFY2((got[i] - reference[i]).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + reference[i].cwiseAbs().maxCoeff()),
                         gemmKernelName(k));
        }
    }
};

QTEST_GUILESS_MAIN(TestGemmKernels)
#include "test_gemm_kernels.moc"
