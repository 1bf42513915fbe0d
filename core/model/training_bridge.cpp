#include "core/model/training_bridge.h"

#include "core/common/error.h"
#include "core/model/model_document.h"

namespace sd::model {

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
