#pragma once
// What every CLI command shares: the plugin host, the dataset catalog, JSON output on stdout, and
// turning dataset options (--data, --csv-*) into a Dataset.
#include "cli_args.h"
#include "core/catalog/dataset_catalog.h"
#include "core/common/json_number.h"
#include "core/model/plugin_host.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace sd::cli {

/// Options understood by every command that reads a dataset.
/// "a,b,,c" → {"a", "b", "c"} (empty items dropped).
std::vector<std::string> splitList(const std::string& text);

std::vector<OptionSpec> datasetOptions();

/// Opens --data (registry name or file; --csv-* options give the CSV column mapping).
data::Dataset openDataset(const Args& args, const catalog::DatasetCatalog& catalog);

/// A host that has scanned --plugin-dir (repeatable) and the default search path.
void scanPlugins(model::PluginHost& host, const Args& args);

/// Writes one JSON document (indented) to stdout.
void printJson(const nlohmann::json& j);

int runPlugins(int argc, char** argv);
int runDatasets(int argc, char** argv);
int runGenerate(int argc, char** argv);
int runTrain(int argc, char** argv);
int runEval(int argc, char** argv);
int runSimulate(int argc, char** argv);
int runCertify(int argc, char** argv);
int runField(int argc, char** argv);

}  // namespace sd::cli
