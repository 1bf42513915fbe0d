#include "app/studio/dataset_sources.h"

#include "core/common/error.h"
#include "core/data/csv.h"
#include "core/catalog/dataset_catalog.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace sd::studio {

namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

const catalog::DatasetCatalog& sharedCatalog() {
    // Built once (thread-safe static initialisation); the registry does not change while the studio runs.
    static const catalog::DatasetCatalog catalog;
    return catalog;
}

}  // namespace

std::vector<RegistryEntry> registryEntries() {
    const auto& catalog = sharedCatalog();
    std::vector<RegistryEntry> entries;
    for (const auto& m : catalog.entries()) {
        RegistryEntry e;
        e.name = m.name;
        e.description = m.title.empty() ? m.description : m.title;
        e.citation = m.citation;
        e.stateDim = static_cast<long long>(m.stateNames.size());
        e.inputDim = static_cast<long long>(m.inputNames.size());
        e.outputDim = static_cast<long long>(m.outputNames.size());
        e.samples = -1;  // known only after loading
        const auto avail = catalog.availability(m);
        e.available = avail.available;
        e.whereToGet = avail.message;
        e.isDemo = m.name == kDemoDatasetName;
        entries.push_back(std::move(e));
    }
    // The bundled demo first.
    std::stable_partition(entries.begin(), entries.end(), [](const RegistryEntry& e) { return e.isDemo; });
    return entries;
}

LoadedDataset loadDataset(const DatasetReference& ref) {
    LoadedDataset out;
    out.reference = ref;
    const auto& catalog = sharedCatalog();
    switch (ref.kind) {
        case DatasetReference::Kind::Demo:
        case DatasetReference::Kind::Registry: {
            const std::string name = ref.kind == DatasetReference::Kind::Demo ? std::string(kDemoDatasetName) : ref.name;
            out.dataset = std::make_shared<data::Dataset>(catalog.open(name));
            out.trueField = catalog.knownVectorField(name);
            out.reference.name = name;
            break;
        }
        case DatasetReference::Kind::File: {
            if (!fs::exists(ref.path)) throw Error(ref.path, "file not found");
            std::optional<data::CsvMapping> mapping = ref.csvMapping;
            if (!mapping && needsColumnMapping(ref.path)) mapping = data::defaultCsvMapping(data::peekCsv(ref.path));
            out.dataset = std::make_shared<data::Dataset>(catalog.open(ref.path, mapping));
            break;
        }
        case DatasetReference::Kind::None:
            throw Error("dataset", "no dataset chosen");
    }
    return out;
}

DatasetReference referenceFromArgument(const std::string& pathOrName) {
    DatasetReference ref;
    if (fs::exists(pathOrName)) {
        ref.kind = DatasetReference::Kind::File;
        ref.path = fs::absolute(pathOrName).string();
    } else if (pathOrName == "demo" || pathOrName == kDemoDatasetName) {
        ref.kind = DatasetReference::Kind::Demo;
        ref.name = kDemoDatasetName;
    } else {
        ref.kind = DatasetReference::Kind::Registry;
        ref.name = pathOrName;
    }
    return ref;
}

bool needsColumnMapping(const std::string& path) {
    const std::string ext = lowerExtension(path);
    return ext == ".csv" || ext == ".txt";
}

const char* datasetFileFilter() { return "Datasets (*.csv *.txt *.npz *.json);;All files (*)"; }

}  // namespace sd::studio
