#pragma once
// The model JSON document, schema v1 (docs/model-schema.md): shared envelope, tensor encoding, file I/O.
//
// Every plugin's Model::toJson() starts from makeEnvelope() and stores its tensors with
// encodeMatrix(); its load() checks the envelope with checkEnvelope() and reads tensors with
// decodeMatrix(), which validates shapes. Doubles are written in nlohmann's shortest round-trip form,
// so export → import is bit-exact.
#include "core/model/model.h"

#include <Eigen/Core>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

inline constexpr const char* kModelFormat = "stabledyn-model";
inline constexpr int kModelSchemaVersion = 1;

/// {"format", "schema_version", "plugin": {"id", "version"}, "variant", "hyperparameters",
///  "dims": {"state", "input", "output"}, "parameters": {}, "training": null, "certificate": null}.
nlohmann::json makeEnvelope(const std::string& pluginId, const std::string& pluginVersion,
                            const std::string& variant, const nlohmann::json& hyper, const ModelDims& dims);

/// Checks format, schema_version (only 1 is understood) and, when `expectedPluginId` is non-empty, the
/// plugin id. Throws sd::Error("<source>: <field>", …) — `source` names the document (file name or
/// "model JSON").
void checkEnvelope(const nlohmann::json& doc, const std::string& expectedPluginId, const std::string& source = "model JSON");

/// ModelDims from doc["dims"], validated (non-negative integers).
ModelDims readDims(const nlohmann::json& doc, const std::string& source = "model JSON");

/// {"shape": [rows, cols], "data": [row-major values]}. Throws sd::Error if any entry is NaN/Inf
/// (parameters of a saved model are always finite).
nlohmann::json encodeMatrix(const Eigen::MatrixXd& m);

/// Reads a tensor written by encodeMatrix. `where` names the field in errors ("parameters.A").
/// If rows/cols are >= 0 the shape must match exactly. Throws sd::Error on a missing field, a wrong
/// shape, a wrong data length, or a non-finite or non-numeric entry (with its index).
Eigen::MatrixXd decodeMatrix(const nlohmann::json& j, const std::string& where, Eigen::Index rows = -1,
                             Eigen::Index cols = -1);

/// Reads doc["parameters"][name] with decodeMatrix.
Eigen::MatrixXd readParameter(const nlohmann::json& doc, const std::string& name, Eigen::Index rows = -1,
                              Eigen::Index cols = -1, const std::string& source = "model JSON");

/// {"seed", "epochs_run", "status", "final_train_loss", "final_validation_loss", "dataset": {"name", "sha256"}}.
nlohmann::json makeTrainingRecord(const TrainSummary& summary, std::uint64_t seed, const data::Dataset& ds);

/// Writes the document atomically (pretty-printed). Throws sd::Error naming the path.
void saveModelFile(const std::filesystem::path& path, const nlohmann::json& doc);
/// Parses a JSON file; syntax errors name the file and byte offset. Throws sd::Error.
nlohmann::json readJsonFile(const std::filesystem::path& path);

}  // namespace sd::model
