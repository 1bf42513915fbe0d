#pragma once
// Named parameter sets (core/nn) written to / read from the model document's "parameters" object, shared
// by every plugin built on core/nn. (Training itself: nn_training.h.)
#include "core/nn/parameters.h"

#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

/// Writes every entry of `params` as doc["parameters"][name] (model_document.h encoding).
void writeParameters(nlohmann::json& doc, const nn::ParameterSet& params);

/// Overwrites every entry of `params` from doc["parameters"][name]. Throws sd::Error naming `source` and
/// the parameter if "parameters" is missing or an entry is missing, malformed or of the wrong shape.
void readParameters(const nlohmann::json& doc, const nn::ParameterSet& params, const std::string& source);

}  // namespace sd::model
