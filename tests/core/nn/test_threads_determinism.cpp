// Results do not depend on the number of compute threads (docs/methods/core.md §1.6): large gemm products
// (split into column and row blocks), conv2d / convTranspose2d forward and backward (per-image tasks, the
// weight gradient's patch-column blocks), the lyapunov-net style double backward through an ICNN's input
// gradient, and whole trainLoop runs with TrainLoopOptions::threads = 1, 2 and 3 — all bit for bit.
// The blocked products are also checked against a long-double reference, so the split is the right product.
#include "bit_equal.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/conv.h"
#include "core/autodiff/gemm.h"
#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "core/common/thread_pool.h"
#include "core/nn/adam.h"
#include "core/nn/icnn.h"
#include "core/nn/minibatch.h"
#include "core/nn/mlp.h"
#include "core/nn/trainer.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using namespace sd;
using Eigen::MatrixXd;

namespace {

const auto& bitIdentical = sd::test::bitEqual;

bool allBitIdentical(const std::vector<MatrixXd>& a, const std::vector<MatrixXd>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!bitIdentical(a[i], b[i])) return false;
    return true;
}

/// `f()` with 1 compute thread, then with 2 and 3: all must equal the first bit for bit.
template <class F>
void checkThreadCountsAgree(const char* what, F f) {
    std::vector<MatrixXd> reference;
    {
        const ComputeThreadsScope one(1);
        reference = f();
    }
    for (int threads : {2, 3}) {
        const ComputeThreadsScope scope(threads);
        QVERIFY2(allBitIdentical(f(), reference), qPrintable(QString("%1 with %2 threads").arg(what).arg(threads)));
    }
}

}  // namespace

class TestThreadsDeterminism : public QObject {
    Q_OBJECT

private slots:
    void blockedProductsAreRightAndThreadIndependent() {
        Rng rng(1);
        struct Case { Eigen::Index m, n, k; bool ta, tb; };
        // Wide results (column blocks), tall ones (row blocks), transposes, edges off the 8-column grid, and a
        // product too small to split.
        for (const Case c : {Case{100, 2000, 100, false, false}, Case{100, 100, 2000, false, true},
                             Case{2000, 3, 100, true, false}, Case{37, 1003, 211, true, true},
                             Case{1500, 1, 400, false, false}, Case{5, 7, 3, false, false}}) {
            const MatrixXd A = c.ta ? rng.normalMatrix(c.k, c.m) : rng.normalMatrix(c.m, c.k);
            const MatrixXd B = c.tb ? rng.normalMatrix(c.n, c.k) : rng.normalMatrix(c.k, c.n);
            const MatrixXd C0 = rng.normalMatrix(c.m, c.n);
            auto run = [&] {
                MatrixXd C = C0;
                ad::gemm(0.5, A, c.ta, B, c.tb, 2.0, C);
                return std::vector<MatrixXd>{C};
            };
            checkThreadCountsAgree("gemm", run);
            // Against long double: 2·C0 + 0.5·op(A)·op(B).
            const MatrixXd got = run()[0];
            double worst = 0;
            for (Eigen::Index i = 0; i < c.m; ++i)
                for (Eigen::Index j = 0; j < c.n; ++j) {
                    long double s = 0, scale = 0;
                    for (Eigen::Index q = 0; q < c.k; ++q) {
                        const long double a = c.ta ? A(q, i) : A(i, q), b = c.tb ? B(j, q) : B(q, j);
                        s += a * b;
                        scale += std::fabs(static_cast<double>(a * b));
                    }
                    const long double ref = 2.0L * C0(i, j) + 0.5L * s;
                    worst = std::max(worst, static_cast<double>(std::fabs(static_cast<long double>(got(i, j)) - ref) /
                                                                (1.0L + scale)));
                }
            QVERIFY2(worst < 1e-14, qPrintable(QString("%1x%2x%3: %4").arg(c.m).arg(c.n).arg(c.k).arg(worst)));
        }
    }

    void convolutionsAreThreadIndependent() {
        Rng rng(2);
        const ad::ImageShape in{3, 32, 32};
        const auto p = ad::Conv2dParams::square(4, 2, 1);
        const ad::ImageShape mid = ad::conv2dOutputShape(in, 16, p);
        const MatrixXd X = rng.normalMatrix(in.size(), 6);
        const MatrixXd W1 = rng.normalMatrix(16, 3 * 16), b1 = rng.normalMatrix(16, 1);
        const MatrixXd W2 = rng.normalMatrix(16, 3 * 16), b2 = rng.normalMatrix(3, 1);
        checkThreadCountsAgree("conv2d + convTranspose2d, first and second order", [&] {
            const ad::Var x = ad::Var::parameter(X), w1 = ad::Var::parameter(W1), c1 = ad::Var::parameter(b1);
            const ad::Var w2 = ad::Var::parameter(W2), c2 = ad::Var::parameter(b2);
            const ad::Var h = ad::tanh(ad::conv2d(x, in, w1, c1, p));
            const ad::Var y = ad::convTranspose2d(h, mid, w2, c2, ad::withOutputPaddingFor(p, mid, in));
            const ad::Var loss = ad::mean(ad::square(y));
            // The weight gradient as a graph (its own node), then a second-order term through it.
            const std::vector<ad::Var> g = ad::grad(loss, {x, w1, c1, w2, c2}, /*createGraph=*/true);
            const ad::Var second = ad::squaredNorm(g[1]);
            std::vector<MatrixXd> out{y.value()};
            for (const ad::Var& v : g) out.push_back(v.value());
            for (const ad::Var& v : ad::grad(second, {x, w1, w2})) out.push_back(v.value());
            return out;
        });
    }

    void doubleBackwardThroughAnIcnnIsThreadIndependent() {
        Rng rng(3);
        const nn::MLP mlp({2, 100, 100, 2}, nn::Activation::relu(), rng);
        const nn::ICNN icnn({2, 60, 60, 1}, nn::Activation::rehu(0.005), rng);
        const MatrixXd X = rng.normalMatrix(2, 2000);
        checkThreadCountsAgree("MLP + ICNN gradient loss", [&] {
            std::vector<ad::Var> params = mlp.parameters().vars();
            for (const ad::Var& p : icnn.parameters().vars()) params.push_back(p);
            const ad::Var x = ad::Var::constant(X);
            const auto g = icnn.evaluate(x, true);
            const ad::Var loss = ad::add(ad::mseLoss(mlp(x), g.gradient), ad::mean(ad::square(g.g)));
            std::vector<MatrixXd> out;
            for (const ad::Var& v : ad::grad(loss, params)) out.push_back(v.value());
            return out;
        });
    }

    void trainingRunsAreThreadIndependent() {
        // A whole run with TrainLoopOptions::threads: minibatches of 512, 30 epochs, Adam.
        Rng data(4);
        const MatrixXd X = data.uniformMatrix(2, 2048, -3.0, 3.0);
        const MatrixXd Y = X.array().sin().matrix();
        auto train = [&](int threads) {
            Rng rng(5);
            const nn::MLP mlp({2, 128, 128, 2}, nn::Activation::tanh(), rng);
            nn::Adam adam(mlp.parameters().vars());
            nn::TrainingProblem problem;
            problem.sampleCount = X.cols();
            problem.batchLoss = [&](std::span<const Eigen::Index> idx, int) {
                return ad::mseLoss(mlp(ad::Var::constant(nn::gatherColumns(X, idx))),
                                   ad::Var::constant(nn::gatherColumns(Y, idx)));
            };
            nn::TrainLoopOptions opt;
            opt.epochs = 30;
            opt.batchSize = 512;
            opt.seed = 7;
            opt.threads = threads;
            const nn::TrainLoopResult r = nn::trainLoop(problem, adam, opt);
            std::vector<MatrixXd> out;
            for (const ad::Var& p : mlp.parameters().vars()) out.push_back(p.value());
            out.push_back(MatrixXd::Constant(1, 1, r.finalTrainLoss));
            return out;
        };
        const std::vector<MatrixXd> one = train(1);
        QVERIFY(one.back()(0, 0) < 0.5);  // it trained
        QVERIFY(allBitIdentical(train(2), one));
        QVERIFY(allBitIdentical(train(3), one));
        QVERIFY(allBitIdentical(train(0), one));  // 0: the process setting (all cores)
        QCOMPARE(computeThreads(), hardwareThreads());  // the run's scope ended with it
    }
};

QTEST_GUILESS_MAIN(TestThreadsDeterminism)
#include "test_threads_determinism.moc"
