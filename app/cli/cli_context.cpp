#include "cli_context.h"

#include "core/common/error.h"

#include <cmath>
#include <iostream>
#include <sstream>

namespace sd::cli {

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

namespace {
std::vector<data::ColumnRef> columns(const std::string& s) {
    std::vector<data::ColumnRef> out;
    for (const auto& name : splitList(s)) out.push_back(data::ColumnRef::byName(name));
    return out;
}
}  // namespace

std::vector<OptionSpec> datasetOptions() {
    return {{"data", true, false, "registry name or dataset file (.json, .npz, .csv)"},
            {"csv-time", true, false, "CSV: time column"},
            {"csv-dt", true, false, "CSV: sample time when there is no time column"},
            {"csv-trajectory", true, false, "CSV: trajectory-id column"},
            {"csv-states", true, false, "CSV: comma-separated state columns"},
            {"csv-inputs", true, false, "CSV: comma-separated input columns"},
            {"csv-outputs", true, false, "CSV: comma-separated output columns"},
            {"csv-derivatives", true, false, "CSV: comma-separated state-derivative columns"},
            {"plugin-dir", true, true, "extra plugin folder (repeatable)"}};
}

data::Dataset openDataset(const Args& args, const catalog::DatasetCatalog& catalog) {
    const std::string spec = args.require("data");
    std::optional<data::CsvMapping> mapping;
    if (args.has("csv-states") || args.has("csv-outputs") || args.has("csv-inputs")) {
        data::CsvMapping m;
        if (args.has("csv-time")) m.time = data::ColumnRef::byName(args.get("csv-time"));
        if (args.has("csv-trajectory")) m.trajectoryId = data::ColumnRef::byName(args.get("csv-trajectory"));
        m.dt = args.getDouble("csv-dt", 0.0);
        m.states = columns(args.get("csv-states"));
        m.inputs = columns(args.get("csv-inputs"));
        m.outputs = columns(args.get("csv-outputs"));
        m.derivatives = columns(args.get("csv-derivatives"));
        mapping = m;
    }
    return catalog.open(spec, mapping);
}

void scanPlugins(model::PluginHost& host, const Args& args) {
    std::vector<std::filesystem::path> dirs;
    for (const auto& d : args.all("plugin-dir")) dirs.emplace_back(d);
    host.scan(dirs);
}

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << std::endl; }

}  // namespace sd::cli
