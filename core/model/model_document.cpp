#include "core/common/json_number.h"
#include "core/model/model_document.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"

#include <cmath>
#include <limits>

namespace sd::model {

using nlohmann::json;

json makeEnvelope(const std::string& pluginId, const std::string& pluginVersion, const std::string& variant,
                  const json& hyper, const ModelDims& dims) {
    json doc;
    doc["format"] = kModelFormat;
    doc["schema_version"] = kModelSchemaVersion;
    doc["plugin"] = {{"id", pluginId}, {"version", pluginVersion}};
    doc["variant"] = variant;
    doc["hyperparameters"] = hyper;
    doc["dims"] = {{"state", dims.state}, {"input", dims.input}, {"output", dims.output}};
    doc["parameters"] = json::object();
    doc["training"] = nullptr;
    doc["certificate"] = nullptr;
    return doc;
}

void checkEnvelope(const json& doc, const std::string& expectedPluginId, const std::string& source) {
    if (!doc.is_object()) throw Error(source, "expected a JSON object at the top level");
    if (!doc.contains("format") || doc["format"] != kModelFormat)
        throw Error(source + ": format", std::string("expected \"") + kModelFormat + "\", found " +
                                             (doc.contains("format") ? doc["format"].dump() : "nothing"));
    if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer())
        throw Error(source + ": schema_version", "missing or not an integer");
    const int version = doc["schema_version"].get<int>();
    if (version != kModelSchemaVersion)
        throw Error(source + ": schema_version", "unsupported version " + std::to_string(version) +
                                                     " (this build reads version " +
                                                     std::to_string(kModelSchemaVersion) + ")");
    if (!doc.contains("plugin") || !doc["plugin"].is_object() || !doc["plugin"].contains("id") ||
        !doc["plugin"]["id"].is_string())
        throw Error(source + ": plugin.id", "missing or not a string");
    if (!expectedPluginId.empty() && doc["plugin"]["id"] != expectedPluginId)
        throw Error(source + ": plugin.id",
                    "expected \"" + expectedPluginId + "\", found " + doc["plugin"]["id"].dump());
    for (const char* key : {"hyperparameters", "dims", "parameters"})
        if (!doc.contains(key) || !doc[key].is_object())
            throw Error(source + ": " + key, "missing or not an object");
}

ModelDims readDims(const json& doc, const std::string& source) {
    ModelDims d;
    const json& j = doc.at("dims");
    auto get = [&](const char* key) -> Eigen::Index {
        if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<long long>() < 0)
            throw Error(source + ": dims." + key, "expected a non-negative integer");
        return static_cast<Eigen::Index>(j[key].get<long long>());
    };
    d.state = get("state");
    d.input = get("input");
    d.output = get("output");
    return d;
}

json encodeMatrix(const Eigen::MatrixXd& m) {
    json data = json::array();
    data.get_ref<json::array_t&>().reserve(static_cast<std::size_t>(m.size()));
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            if (!std::isfinite(m(i, j)))
                throw Error("model parameters", "refusing to save a non-finite value at (" + std::to_string(i) +
                                                    ", " + std::to_string(j) + ")");
            data.push_back(m(i, j));
        }
    return {{"shape", {m.rows(), m.cols()}}, {"data", std::move(data)}};
}

Eigen::MatrixXd decodeMatrix(const json& j, const std::string& where, Eigen::Index rows, Eigen::Index cols) {
    if (!j.is_object() || !j.contains("shape") || !j.contains("data"))
        throw Error(where, "expected an object with \"shape\" and \"data\"");
    const json& shape = j["shape"];
    if (!shape.is_array() || shape.size() != 2 || !shape[0].is_number_integer() || !shape[1].is_number_integer() ||
        shape[0].get<long long>() < 0 || shape[1].get<long long>() < 0)
        throw Error(where + ".shape", "expected [rows, cols] with non-negative integers, found " + shape.dump());
    const Eigen::Index r = shape[0].get<Eigen::Index>(), c = shape[1].get<Eigen::Index>();
    if ((rows >= 0 && r != rows) || (cols >= 0 && c != cols))
        throw Error(where + ".shape", "expected [" + (rows >= 0 ? std::to_string(rows) : std::string("*")) + ", " +
                                          (cols >= 0 ? std::to_string(cols) : std::string("*")) + "], found " +
                                          shape.dump());
    const json& data = j["data"];
    if (!data.is_array()) throw Error(where + ".data", "expected an array of numbers");
    // rows·cols is compared without multiplying (it may overflow) and before anything is allocated.
    const auto count = static_cast<unsigned long long>(data.size());
    const auto ur = static_cast<unsigned long long>(r), uc = static_cast<unsigned long long>(c);
    if (uc != 0 && ur > std::numeric_limits<unsigned long long>::max() / uc)
        throw Error(where + ".shape", shape.dump() + " has more entries than any file can hold");
    if (ur * uc != count)
        throw Error(where + ".data", "expected " + std::to_string(ur * uc) + " numbers, found " + std::to_string(count) +
                                         " (shape " + shape.dump() + ")");
    Eigen::MatrixXd m(r, c);
    std::size_t k = 0;
    for (Eigen::Index i = 0; i < r; ++i)
        for (Eigen::Index jj = 0; jj < c; ++jj, ++k) {
            const json& v = data[k];
            if (!v.is_number() || !std::isfinite(v.get<double>()))
                throw Error(where + ".data[" + std::to_string(k) + "]", "expected a finite number, found " + v.dump());
            m(i, jj) = v.get<double>();
        }
    return m;
}

Eigen::MatrixXd readParameter(const json& doc, const std::string& name, Eigen::Index rows, Eigen::Index cols,
                              const std::string& source) {
    const json& params = doc.at("parameters");
    if (!params.contains(name)) throw Error(source + ": parameters." + name, "missing");
    return decodeMatrix(params[name], source + ": parameters." + name, rows, cols);
}

json makeTrainingRecord(const TrainSummary& summary, std::uint64_t seed, const data::Dataset& ds) {
    return {{"seed", seed},
            {"epochs_run", summary.epochsRun},
            {"status", toString(summary.status)},
            {"message", summary.message},
            {"final_train_loss", jsonNumber(summary.finalTrainLoss)},
            {"final_validation_loss", jsonNumber(summary.finalValidationLoss)},
            {"dataset", {{"name", ds.name}, {"sha256", ds.sha256}}}};
}

void saveModelFile(const std::filesystem::path& path, const json& doc) {
    writeFileAtomic(path, doc.dump(1) + "\n");
}

json readJsonFile(const std::filesystem::path& path) { return readJsonFileStrict(path); }

}  // namespace sd::model
