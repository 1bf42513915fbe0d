#include "core/model/nn_training.h"

#include "core/common/error.h"
#include "core/model/model_document.h"
#include "core/nn/adam.h"

namespace sd::model {

TrainSummary cancelledBeforeTraining() {
    TrainSummary s;
    s.status = TrainStatus::Cancelled;
    s.message = "cancelled before training";
    return s;
}

TrainingSets trainingSets(const data::Dataset& ds, const TrainRequest& request) {
    TrainingSets sets;
    sets.train = ds.split(request.trainSplit, /*fallbackToAll=*/true);
    if (sets.train.empty()) throw Error("dataset '" + ds.name + "'", "has no training trajectories");
    if (!request.validationSplit.empty() && ds.hasSplit(request.validationSplit)) sets.validation = ds.split(request.validationSplit);
    return sets;
}

nn::TrainLoopResult runNnTraining(const data::Dataset& ds, const TrainRequest& request, const nlohmann::json& hyper,
                                  const TrainCallback& onEpoch, const std::atomic<bool>& cancel,
                                  const NnProblemBuilder& build, nlohmann::json& trainingRecord) {
    if (cancel.load()) {
        nn::TrainLoopResult cancelled;
        static_cast<TrainSummary&>(cancelled) = cancelledBeforeTraining();
        return cancelled;
    }
    const NnTrainingProblem p = build(trainingSets(ds, request));

    nn::AdamOptions adamOptions;
    adamOptions.learningRate = hyper.at("lr").get<double>();
    nn::Adam adam(p.parameters, adamOptions);
    nn::TrainLoopOptions loop;
    loop.epochs = hyper.at("epochs").get<int>();
    loop.batchSize = p.batchSize ? *p.batchSize : hyper.at("batch_size").get<Eigen::Index>();
    loop.shuffle = p.shuffle;
    loop.seed = request.seed;
    loop.clipValue = p.clipValue;
    loop.beforeMinibatch = request.checkpoint;

    nn::TrainLoopResult result;
    if (loop.epochs == 0 && p.untrainedLoss) {
        // The initial model is kept (lyapunov-net: paper Fig. 3): report its losses without any step.
        result.status = TrainStatus::Completed;
        result.finalTrainLoss = p.untrainedLoss();
        if (p.problem.validationLoss) result.finalValidationLoss = p.problem.validationLoss();
        result.message = "epochs = 0: kept the random initial parameters";
    } else {
        TrainCallback relay = onEpoch;
        if (onEpoch && p.reportEvent)
            relay = [&](const TrainEvent& e) {
                TrainEvent adjusted = e;
                p.reportEvent(adjusted);
                onEpoch(adjusted);
            };
        result = nn::trainLoop(p.problem, adam, loop, p.schedule, relay, &cancel);
    }
    trainingRecord = makeTrainingRecord(result, request.seed, ds);
    return result;
}

}  // namespace sd::model
