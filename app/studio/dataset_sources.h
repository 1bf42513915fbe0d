#pragma once
// Where datasets come from: the bundled demo, the benchmark registry (datasets/*.json manifests) and files
// (CSV with a column mapping, NPZ, JSON). These are the only call sites of core/data's loaders, so the
// rest of the studio deals with DatasetReference and LoadedDataset only. All functions may run off the
// GUI thread; failures throw sd::Error naming the file and the problem.
#include "app/studio/dataset_reference.h"
#include "core/data/dataset.h"

#include <Eigen/Core>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sd::studio {

/// The registry entry the studio opens when no dataset is given (datasets/demo-pendulum.json).
inline constexpr const char* kDemoDatasetName = "demo-pendulum";

/// A batched vector field x ↦ f(x) (nx×B → nx×B); used for the "true field" overlay when known.
using VectorField = std::function<Eigen::MatrixXd(const Eigen::MatrixXd&)>;

struct LoadedDataset {
    std::shared_ptr<const data::Dataset> dataset;
    DatasetReference reference;
    VectorField trueField;            ///< empty unless the data comes from a known generator
};

/// One row of the registry list in the data dock.
struct RegistryEntry {
    std::string name;
    std::string description;
    std::string citation;
    long long stateDim = 0, inputDim = 0, outputDim = 0;
    long long samples = 0;
    bool available = true;            ///< false when the files are not on this machine
    std::string whereToGet;           ///< shown for unavailable entries
    bool isDemo = false;
};

/// The demo first, then every manifest of the registry.
std::vector<RegistryEntry> registryEntries();

/// Loads what `ref` points to. A CSV file without a mapping gets the default mapping (data::defaultCsvMapping).
LoadedDataset loadDataset(const DatasetReference& ref);

/// Resolves a command-line argument: an existing file path, "demo", or a registry name.
DatasetReference referenceFromArgument(const std::string& pathOrName);

/// True for files whose columns the user maps in a dialog before loading (CSV).
bool needsColumnMapping(const std::string& path);

/// File-dialog filter for every supported dataset format.
const char* datasetFileFilter();

}  // namespace sd::studio
