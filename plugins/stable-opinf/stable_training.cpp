#include "plugins/stable-opinf/stable_training.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/adam.h"
#include "core/nn/lr_schedule.h"

#include <limits>

namespace sd::opinf {

namespace {

/// Precomputed per-trajectory loss data; a batch sums or concatenates them.
struct LossData {
    StableLoss kind;
    std::vector<DerivativeGram> grams;
    std::vector<Rk4Pairs> pairs;
    DerivativeGram allGram;
    Rk4Pairs allPairs;

    LossData(const std::vector<ReducedTrajectory>& data, const StableStructure& st, StableLoss k) : kind(k) {
        for (const auto& tr : data) {
            if (kind == StableLoss::Derivative) {
                grams.push_back(DerivativeGram::of(tr, st));
                allGram.add(grams.back());
            } else {
                pairs.push_back(Rk4Pairs::of(tr));
                allPairs.append(pairs.back());
            }
        }
    }
    std::size_t size() const { return kind == StableLoss::Derivative ? grams.size() : pairs.size(); }

    ad::Var loss(const OperatorVars& ops, std::span<const Eigen::Index> idx) const {
        const bool all = idx.size() == size();
        if (kind == StableLoss::Derivative) {
            if (all) return derivativeLoss(ops, allGram);
            DerivativeGram g;
            for (Eigen::Index i : idx) g.add(grams[static_cast<std::size_t>(i)]);
            return derivativeLoss(ops, g);
        }
        if (all) return rk4OneStepLoss(ops, allPairs);
        Rk4Pairs p;
        for (Eigen::Index i : idx) p.append(pairs[static_cast<std::size_t>(i)]);
        return rk4OneStepLoss(ops, p);
    }
    ad::Var lossAll(const OperatorVars& ops) const {
        return kind == StableLoss::Derivative ? derivativeLoss(ops, allGram) : rk4OneStepLoss(ops, allPairs);
    }
};

}  // namespace

nn::TrainLoopResult trainStableOpInf(StableParameters& params, const std::vector<ReducedTrajectory>& train,
                                     const std::vector<ReducedTrajectory>& validation,
                                     const StableTrainingOptions& opt, const nn::EpochCallback& onEpoch,
                                     const std::atomic<bool>* cancel) {
    if (train.empty()) throw Error("stable-opinf training", "no training trajectories");
    if (opt.epochs < 1) throw Error("stable-opinf training: epochs", "must be at least 1");
    if (!(opt.lrBase >= 0.0) || !(opt.lrMax >= opt.lrBase))
        throw Error("stable-opinf training: learning rate", "need 0 ≤ lr_base ≤ lr_max");
    if (opt.halfCycleEpochs < 1) throw Error("stable-opinf training: lr_half_cycle_epochs", "must be at least 1");
    if (!(opt.l1H >= 0.0)) throw Error("stable-opinf training: l1_H", "must be non-negative");
    const StableStructure& st = params.structure;
    const LossData trainData(train, st, opt.loss);
    const LossData validationData(validation, st, opt.loss);

    const StableParameterVars vars = StableParameterVars::parametersOf(params);
    nn::AdamOptions adamOptions;
    adamOptions.learningRate = opt.lrBase;
    nn::Adam adam(vars.list(), adamOptions);
    const auto count = static_cast<Eigen::Index>(train.size());
    const Eigen::Index batch = opt.batchTrajectories <= 0 ? count : std::min<Eigen::Index>(opt.batchTrajectories, count);
    const long long batchesPerEpoch = (count + batch - 1) / batch;
    const nn::TriangularCyclicLr schedule(opt.lrBase, opt.lrMax, static_cast<long long>(opt.halfCycleEpochs) * batchesPerEpoch);

    nn::TrainingProblem problem;
    problem.sampleCount = count;
    problem.batchLoss = [&](std::span<const Eigen::Index> idx, int) {
        const OperatorVars ops = buildOperators(st, vars);
        return ad::add(trainData.loss(ops, idx), l1Penalty(ops, opt.l1H));
    };
    if (validationData.size() > 0)
        problem.validationLoss = [&] { return validationData.lossAll(buildOperators(st, vars)).item(); };

    nn::TrainLoopOptions loopOptions;
    loopOptions.epochs = opt.epochs;
    loopOptions.batchSize = batch;
    loopOptions.shuffle = batch < count;
    loopOptions.seed = opt.seed;
    loopOptions.beforeMinibatch = opt.beforeMinibatch;
    const nn::TrainLoopResult result = nn::trainLoop(problem, adam, loopOptions, &schedule, onEpoch, cancel);
    vars.copyTo(params);
    return result;
}

double stableLossValue(const StableParameters& params, const std::vector<ReducedTrajectory>& data, StableLoss loss) {
    if (data.empty()) return std::numeric_limits<double>::quiet_NaN();
    ad::NoGradGuard noGrad;
    const LossData d(data, params.structure, loss);
    const StableParameterVars vars = StableParameterVars::parametersOf(params);
    return d.lossAll(buildOperators(params.structure, vars)).item();
}

}  // namespace sd::opinf
