#pragma once
// sd::catalog::DatasetCatalog — one place that turns what a user names into a Dataset, shared by the
// CLI and the studio so both follow the same code path:
//   * a registry name ("wiener-hammerstein", "demo-pendulum") → the benchmark manifest in datasets/,
//     loaded from its files (shipped, or external in the data roots) or produced by its generator;
//   * a file path → by extension: .json (StableDyn dataset JSON), .npz (X/Y pair arrays),
//     .csv (needs a CsvMapping).
#include "core/data/csv.h"
#include "core/data/dataset.h"
#include "core/data/registry.h"

#include <Eigen/Core>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sd::catalog {

class DatasetCatalog {
public:
    /// Uses the registry folder and data roots given, or the defaults (registryDirectory(),
    /// data::defaultDataRoots(projectRoot())) when empty. Throws sd::Error for a broken manifest.
    explicit DatasetCatalog(std::filesystem::path registryDir = {}, std::vector<std::filesystem::path> dataRoots = {});

    const std::vector<data::BenchmarkManifest>& entries() const { return entries_; }
    const std::vector<std::filesystem::path>& dataRoots() const { return dataRoots_; }
    const std::filesystem::path& registryDir() const { return registryDir_; }
    data::BenchmarkAvailability availability(const data::BenchmarkManifest& m) const;

    /// Opens a registry name or a file path (see the class comment). `csvMapping` is required for CSV
    /// files. Throws sd::Error naming the file or entry and the problem (unknown name, missing files
    /// with where to get them, bad format, checksum mismatch).
    data::Dataset open(const std::string& spec, const std::optional<data::CsvMapping>& csvMapping = std::nullopt) const;

    /// The true autonomous vector field X (n×B) ↦ Ẋ of a registry entry when the project knows it
    /// (pendulum data: generated "pendulum" entries and the pendulum parity sets), else an empty function.
    std::function<Eigen::MatrixXd(const Eigen::MatrixXd&)> knownVectorField(const std::string& name) const;

    /// The project's source folder (compiled in), $STABLEDYN_SOURCE_DIR overriding it.
    static std::filesystem::path projectRoot();
    /// $STABLEDYN_DATASETS, else <projectRoot>/datasets, else <exe>/../share/stabledyn/datasets.
    static std::filesystem::path registryDirectory();

private:
    std::filesystem::path registryDir_;
    std::vector<std::filesystem::path> dataRoots_;
    std::vector<data::BenchmarkManifest> entries_;
};

}  // namespace sd::catalog
