// TrainLoopOptions::beforeMinibatch: the host's checkpoint before every minibatch (how the studio pauses a
// run within one minibatch) — called once per minibatch, before the cancel poll.
#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "core/nn/adam.h"
#include "core/nn/minibatch.h"
#include "core/nn/mlp.h"
#include "core/nn/trainer.h"

#include <QtTest>

using namespace sd;

namespace {

// A small regression problem: 40 samples of y = 0.5 x.
struct LineProblem {
    Rng rng{3};
    nn::MLP mlp{{1, 4, 1}, nn::Activation::tanh(), rng};
    Eigen::MatrixXd X = Eigen::RowVectorXd::LinSpaced(40, -1, 1), Y = 0.5 * X;
    nn::TrainingProblem problem;
    LineProblem() {
        problem.sampleCount = 40;
        problem.batchLoss = [this](std::span<const Eigen::Index> idx, int) {
            return ad::mseLoss(mlp(ad::Var::constant(nn::gatherColumns(X, idx))), ad::Var::constant(nn::gatherColumns(Y, idx)));
        };
    }
};

}  // namespace

class TestNnMinibatchHook : public QObject {
    Q_OBJECT
private slots:
    void calledOncePerMinibatch() {
        LineProblem p;
        nn::Adam adam(p.mlp.parameters().vars());
        nn::TrainLoopOptions opt;
        opt.epochs = 3;
        opt.batchSize = 10;   // 4 minibatches per epoch
        int calls = 0;
        opt.beforeMinibatch = [&] { ++calls; };
        const nn::TrainLoopResult r = nn::trainLoop(p.problem, adam, opt);
        QCOMPARE(calls, 12);
        QCOMPARE(r.steps, 12LL);
    }

    void checkpointRunsBeforeTheCancelPoll() {
        // A checkpoint that sets the cancel flag (as a Stop while paused does) stops the loop before that minibatch.
        LineProblem p;
        nn::Adam adam(p.mlp.parameters().vars());
        nn::TrainLoopOptions opt;
        opt.epochs = 5;
        opt.batchSize = 10;
        std::atomic<bool> cancel{false};
        int calls = 0;
        opt.beforeMinibatch = [&] {
            if (++calls == 6) cancel = true;
        };
        const auto r = nn::trainLoop(p.problem, adam, opt, nullptr, {}, &cancel);
        QVERIFY(r.status == nn::TrainStatus::Cancelled);
        QCOMPARE(r.steps, 5LL);
        QCOMPARE(r.epochsRun, 1);
    }

    void checkpointDoesNotChangeTheResult() {
        // The same seed with and without a checkpoint gives bit-identical parameters.
        auto train = [](bool withCheckpoint) {
            LineProblem p;
            nn::Adam adam(p.mlp.parameters().vars());
            nn::TrainLoopOptions opt;
            opt.epochs = 4;
            opt.batchSize = 8;
            opt.seed = 11;
            if (withCheckpoint) opt.beforeMinibatch = [] {};
            nn::trainLoop(p.problem, adam, opt);
            std::vector<Eigen::MatrixXd> values;
            for (const auto& v : p.mlp.parameters().vars()) values.push_back(v.value());
            return values;
        };
        const auto a = train(false), b = train(true);
        QCOMPARE(a.size(), b.size());
        for (std::size_t k = 0; k < a.size(); ++k) QVERIFY(a[k] == b[k]);
    }
};

QTEST_APPLESS_MAIN(TestNnMinibatchHook)
#include "test_nn_minibatch_hook.moc"
