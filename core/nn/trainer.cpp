#include "core/nn/trainer.h"

#include "core/autodiff/backward.h"
#include "core/common/error.h"
#include "core/common/thread_pool.h"
#include "core/nn/grad_clip.h"
#include "core/nn/minibatch.h"

#include <chrono>
#include <cmath>

namespace sd::nn {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<Eigen::MatrixXd> snapshotOf(const std::vector<ad::Var>& params) {
    std::vector<Eigen::MatrixXd> s;
    s.reserve(params.size());
    for (const ad::Var& p : params) s.push_back(p.value());
    return s;
}

void restoreTo(const std::vector<ad::Var>& params, const std::vector<Eigen::MatrixXd>& s) {
    for (std::size_t i = 0; i < params.size(); ++i) params[i].mutableValue() = s[i];
}

bool allFinite(const std::vector<ad::Var>& params, bool gradients) {
    for (const ad::Var& p : params)
        if (!(gradients ? p.grad() : p.value()).allFinite()) return false;
    return true;
}

}  // namespace

TrainLoopResult trainLoop(const TrainingProblem& problem, Optimizer& optimizer, const TrainLoopOptions& options,
                          const LrSchedule* schedule, const EpochCallback& onEpoch, const std::atomic<bool>* cancel) {
    if (!problem.batchLoss) throw Error("nn::trainLoop", "no batch loss function");
    if (problem.sampleCount <= 0) throw Error("nn::trainLoop", "no training samples");
    if (options.epochs < 0) throw Error("nn::trainLoop", "negative epoch count");
    if (options.threads < 0) throw Error("nn::trainLoop", "negative thread count");
    const ComputeThreadsScope threadsForThisRun(options.threads);

    const std::vector<ad::Var>& params = optimizer.parameters();
    std::vector<Eigen::MatrixXd> lastGood = snapshotOf(params);
    int lastGoodEpoch = 0;
    Rng rng(options.seed);
    TrainLoopResult result;
    const auto t0 = Clock::now();

    const auto stopOnNaN = [&](int epoch, const std::string& what) {
        restoreTo(params, lastGood);
        result.status = TrainStatus::StoppedOnNaN;
        result.message = "stopped: " + what + " became NaN/Inf at epoch " + std::to_string(epoch) + "; kept " +
                         (lastGoodEpoch > 0 ? "epoch " + std::to_string(lastGoodEpoch) : std::string("the initial parameters"));
        return result;
    };

    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto te = Clock::now();
        const auto batches = minibatches(problem.sampleCount, options.batchSize, options.shuffle ? &rng : nullptr,
                                         options.dropLast);
        double lossSum = 0.0;
        Eigen::Index seen = 0;
        for (const auto& batch : batches) {
            if (options.beforeMinibatch) options.beforeMinibatch();   // may block while the host pauses the run
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                result.status = TrainStatus::Cancelled;
                result.message = "cancelled during epoch " + std::to_string(epoch);
                return result;
            }
            if (schedule) optimizer.setLearningRate(schedule->learningRate(epoch - 1, result.steps));
            optimizer.zeroGrad();
            const ad::Var loss = problem.batchLoss(batch, epoch - 1);
            const double value = loss.item();
            if (!std::isfinite(value)) return stopOnNaN(epoch, "the training loss");
            ad::backward(loss);
            if (!allFinite(params, true)) return stopOnNaN(epoch, "a gradient");
            if (options.clipValue > 0) clipGradValue(params, options.clipValue);
            if (options.clipNorm > 0) clipGradNorm(params, options.clipNorm);
            optimizer.step();
            ++result.steps;
            lossSum += value * static_cast<double>(batch.size());
            seen += static_cast<Eigen::Index>(batch.size());
        }
        if (!allFinite(params, false)) return stopOnNaN(epoch, "a parameter");
        TrainEvent ev;
        ev.epoch = epoch;
        ev.totalEpochs = options.epochs;
        ev.trainLoss = seen > 0 ? lossSum / static_cast<double>(seen) : std::numeric_limits<double>::quiet_NaN();
        if (problem.validationLoss) {
            ad::NoGradGuard noGrad;
            ev.validationLoss = problem.validationLoss();
            if (!std::isfinite(ev.validationLoss)) return stopOnNaN(epoch, "the validation loss");
        }
        ev.learningRate = optimizer.learningRate();
        ev.epochSeconds = secondsSince(te);
        ev.elapsedSeconds = secondsSince(t0);
        lastGood = snapshotOf(params);
        lastGoodEpoch = epoch;
        result.epochsRun = epoch;
        result.finalTrainLoss = ev.trainLoss;
        result.finalValidationLoss = ev.validationLoss;
        if (onEpoch) onEpoch(ev);
    }
    result.status = TrainStatus::Completed;
    result.message = "completed " + std::to_string(result.epochsRun) + " epochs";
    return result;
}

}  // namespace sd::nn
