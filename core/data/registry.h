#pragma once
// Benchmark registry: one JSON manifest per dataset in datasets/ (format in docs/dataset-format.md §2).
//
// A manifest says what a dataset is (name, title, description, citation, licence), where its files come
// from (shipped next to the manifest, or external files found in data roots, each with a SHA-256 and
// download instructions), how to load them (a loader type plus a column mapping, per trajectory if
// needed), the sample time and the named splits. Generated datasets carry a generator name and
// parameters instead of files.
#include "core/data/csv.h"
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sd::data {

inline constexpr const char* kBenchmarkFormatName = "stabledyn-benchmark";
inline constexpr int kBenchmarkSchemaVersion = 1;

enum class BenchmarkKind {
    External,    ///< files are not shipped; searched for in data roots (e.g. ../shared/data)
    Shipped,     ///< files live next to the manifest (paths relative to the manifest's folder)
    Generated    ///< produced by a named generator of the systems module (systems::generateForManifest)
};
std::string toString(BenchmarkKind kind);   ///< "external", "shipped", "generated"

struct BenchmarkFile {
    std::string id;             ///< referenced by trajectories ("train", "level1")
    std::string path;           ///< relative path (to the manifest folder or to a data root)
    std::string sha256;         ///< expected lowercase hex SHA-256 (empty = not checked)
    std::int64_t bytes = -1;    ///< expected size, -1 = unknown
    std::string url;            ///< where to get it
    std::string instructions;   ///< how to get it / which file in an archive
};

/// How the files are turned into trajectories.
struct BenchmarkLoader {
    /// "csv" (CsvMapping columns), "npz-pairs" (row-sample X/Y arrays → pair set), "dataset-json", "video".
    std::string type;
    char delimiter = ',';
    CsvMapping columns;          ///< csv: default column mapping (a trajectory may override it)
    std::string xArray = "X", yArray = "Y";   ///< npz-pairs: array names
    /// "video": each file is a folder of PNG/JPG frames or a .gif (data/video.h), one trajectory of frames
    /// (x = (C·H·W) × T, state names "c<c>_y<y>_x<x>"); a folder's sha256/bytes are digestFrameFolder's.
    std::string color = "rgb";   ///< video: "rgb" or "gray"
};

struct BenchmarkTrajectory {
    std::string id;                       ///< trajectory id (with a trajectory-id column: id prefix)
    std::string file;                     ///< a BenchmarkFile id
    std::optional<CsvMapping> columns;    ///< csv: overrides the loader's mapping for this trajectory
};

struct GeneratorSpec {
    std::string name;                     ///< a systems-module generator ("pendulum", "burgers", ...)
    nlohmann::json params = nlohmann::json::object();
};

struct BenchmarkManifest {
    std::filesystem::path manifestPath;   ///< the .json file it was read from
    std::string name;                     ///< registry key ([a-z0-9._-]+)
    std::string title;
    std::string description;
    BenchmarkKind kind = BenchmarkKind::External;
    std::vector<std::string> tags;
    std::vector<BenchmarkFile> files;
    BenchmarkLoader loader;
    std::vector<BenchmarkTrajectory> trajectories;
    std::vector<std::string> stateNames, inputNames, outputNames;   ///< empty = from the files' headers
    double dt = 0.0;                      ///< sample time (from "dt" or 1 / "sample_rate_hz"); 0 = pair sets
    std::map<std::string, std::vector<std::string>> splits;         ///< split → trajectory ids
    std::string citation;
    std::string licence;
    std::optional<GeneratorSpec> generator;   ///< kind == Generated
    nlohmann::json extra = nlohmann::json::object();   ///< the optional "notes" object, passed through
};

/// Parses and validates one manifest document. Errors: "<where>: <field>: <what>".
BenchmarkManifest manifestFromJson(const nlohmann::json& document, const std::string& where);
/// Reads and validates one manifest file.
BenchmarkManifest loadManifest(const std::filesystem::path& path);
/// Every *.json manifest in `dir`, sorted by name. Any bad manifest or a duplicate name throws, naming
/// the file and field (a registry with a broken entry is a build error, not something to skip silently).
std::vector<BenchmarkManifest> loadRegistry(const std::filesystem::path& dir);
/// The manifest called `name`, or nullptr.
const BenchmarkManifest* findBenchmark(const std::vector<BenchmarkManifest>& registry, const std::string& name);

/// Where each file of a manifest is on this machine.
struct BenchmarkFileStatus {
    const BenchmarkFile* file = nullptr;
    std::filesystem::path resolved;   ///< empty if not found
    std::vector<std::filesystem::path> searched;
};
struct BenchmarkAvailability {
    bool available = false;                   ///< every file found (checksums not yet checked)
    std::vector<BenchmarkFileStatus> files;
    std::string message;                      ///< "not available: ..." with how to get the missing files
};
/// Resolves files without reading them: shipped files relative to the manifest folder; external files
/// as <root>/<path> for each data root in order, then <root>/<file name>. Generated entries are available.
BenchmarkAvailability checkAvailability(const BenchmarkManifest& manifest,
                                        const std::vector<std::filesystem::path>& dataRoots);

/// Builds a generated dataset: (generator name, params) → Dataset. Supplied by the systems module
/// (systems::generateForManifest; core/data does not depend on core/systems).
using DatasetGenerator = std::function<Dataset(const std::string& name, const nlohmann::json& params)>;

struct LoadBenchmarkOptions {
    bool verifyChecksums = true;
    DatasetGenerator generator;   ///< required for kind "generated"
};

/// Loads a benchmark: resolves its files (throws "<manifest>: not available: <file> not found (searched
/// ...); get it from <url> — <instructions>" when missing), checks sizes and SHA-256 (mismatch names the
/// file, expected and found), runs the loader, assigns trajectory ids and the manifest's splits, sets
/// name, source, dt, channel names, and sha256 (of the files; of the content for generated sets).
Dataset loadBenchmark(const BenchmarkManifest& manifest, const std::vector<std::filesystem::path>& dataRoots,
                      const LoadBenchmarkOptions& options = {});

/// Default data roots: $STABLEDYN_DATA_PATH (':'-separated), then <projectRoot>/../shared/data, then
/// <projectRoot>/datasets/data. Non-existing folders are left out.
std::vector<std::filesystem::path> defaultDataRoots(const std::filesystem::path& projectRoot);

}  // namespace sd::data
