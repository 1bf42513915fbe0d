#pragma once
// The project's own dataset file format (docs/dataset-format.md): one JSON document,
//   {"format": "stabledyn-dataset", "schema_version": 1, "name", "source", "dt",
//    "state_names", "input_names", "output_names",
//    "trajectories": [{"id", "t": [K], "x": [[K] per state], "u", "y", "dxdt"}],
//    "splits": {"train": [trajectory indices]}, "content_sha256"}
// Matrices are stored channel by channel (one JSON array of K numbers per row of the nx×K matrix).
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace sd::data {

inline constexpr const char* kDatasetFormatName = "stabledyn-dataset";
inline constexpr int kDatasetSchemaVersion = 1;

/// Serialises a dataset (validated first: wrong shapes or NaN/Inf throw, naming the JSON field).
nlohmann::json datasetToJson(const Dataset& dataset);
/// Parses and strictly validates a dataset document. Errors are "<where>: <json field>: <what>", e.g.
/// "data.json: trajectories[1].x[0][17]: expected a number, found null". Unknown format or schema_version,
/// unknown keys, wrong lengths and non-finite numbers are errors. A present "content_sha256" must match.
Dataset datasetFromJson(const nlohmann::json& document, const std::string& where);

/// Reads a dataset file (sha256 = SHA-256 of the file, source = path).
Dataset loadDatasetJson(const std::filesystem::path& path);
/// Writes a dataset file atomically (2-space indented; doubles round-trip exactly).
void saveDatasetJson(const std::filesystem::path& path, const Dataset& dataset);

}  // namespace sd::data
