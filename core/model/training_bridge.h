#pragma once
// Glue between core/nn's training loop and the Model contract, shared by every plugin built on core/nn:
// epoch events relayed to a TrainCallback, loop results turned into a TrainSummary, and named parameter
// sets written to / read from the model document's "parameters" object.
#include "core/model/model.h"
#include "core/nn/parameters.h"
#include "core/nn/trainer.h"

#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

/// An nn::EpochCallback that forwards every field of each epoch event to `onEpoch` (does nothing if
/// `onEpoch` is empty). `onEpoch` must outlive the returned callback.
nn::EpochCallback relayEpochEvents(const TrainCallback& onEpoch);

/// The contract's view of a finished core/nn training loop (status, epochs, final losses, message).
TrainSummary summaryOf(const nn::TrainLoopResult& result);

/// Writes every entry of `params` as doc["parameters"][name] (model_document.h encoding).
void writeParameters(nlohmann::json& doc, const nn::ParameterSet& params);

/// Overwrites every entry of `params` from doc["parameters"][name]. Throws sd::Error naming `source` and
/// the parameter if "parameters" is missing or an entry is missing, malformed or of the wrong shape.
void readParameters(const nlohmann::json& doc, const nn::ParameterSet& params, const std::string& source);

}  // namespace sd::model
