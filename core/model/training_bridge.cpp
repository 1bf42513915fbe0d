#include "core/model/training_bridge.h"

#include "core/common/error.h"
#include "core/model/model_document.h"

namespace sd::model {

nn::EpochCallback relayEpochEvents(const TrainCallback& onEpoch) {
    return [&onEpoch](const nn::EpochEvent& e) {
        if (!onEpoch) return;
        TrainEvent ev;
        ev.epoch = e.epoch;
        ev.totalEpochs = e.totalEpochs;
        ev.trainLoss = e.trainLoss;
        ev.validationLoss = e.validationLoss;
        ev.learningRate = e.learningRate;
        ev.epochSeconds = e.epochSeconds;
        ev.elapsedSeconds = e.elapsedSeconds;
        onEpoch(ev);
    };
}

TrainSummary summaryOf(const nn::TrainLoopResult& result) {
    TrainSummary s;
    switch (result.status) {
        case nn::TrainOutcome::Completed: s.status = TrainStatus::Completed; break;
        case nn::TrainOutcome::Cancelled: s.status = TrainStatus::Cancelled; break;
        case nn::TrainOutcome::StoppedOnNaN: s.status = TrainStatus::StoppedOnNaN; break;
    }
    s.epochsRun = result.epochsRun;
    s.finalTrainLoss = result.finalTrainLoss;
    s.finalValidationLoss = result.finalValidationLoss;
    s.message = result.message;
    return s;
}

void writeParameters(nlohmann::json& doc, const nn::ParameterSet& params) {
    nlohmann::json& p = doc["parameters"];
    if (!p.is_object()) p = nlohmann::json::object();
    for (const auto& e : params.entries()) p[e.name] = encodeMatrix(e.var.value());
}

void readParameters(const nlohmann::json& doc, const nn::ParameterSet& params, const std::string& source) {
    if (!doc.contains("parameters") || !doc["parameters"].is_object())
        throw Error(source + ": parameters", "missing or not an object");
    for (const auto& e : params.entries())
        e.var.mutableValue() = readParameter(doc, e.name, e.var.rows(), e.var.cols(), source);
}

}  // namespace sd::model
