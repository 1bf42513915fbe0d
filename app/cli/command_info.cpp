// `stabledyn plugins`, `stabledyn datasets`, `stabledyn certify`: read-only listings as JSON.
#include "cli_context.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"

#include <iostream>

namespace sd::cli {

using nlohmann::json;

int runPlugins(int argc, char** argv) {
    const Args args(argc, argv, 2, {{"plugin-dir", true, true, ""}, {"schema", false, false, ""}});
    model::PluginHost host;
    scanPlugins(host, args);
    json plugins = json::array();
    for (const auto& p : host.plugins()) {
        json entry = {{"id", p.id()}, {"name", p.metadata.value("Name", "")}, {"version", p.version()},
                      {"capabilities", p.capabilities()}, {"description", p.metadata.value("Description", "")},
                      {"file", p.file}};
        if (args.has("schema")) entry["hyperparameters"] = p.plugin->hyperparameterSchema();
        plugins.push_back(entry);
    }
    json failures = json::array();
    for (const auto& f : host.failures()) failures.push_back({{"file", f.file}, {"error", model::toString(f.kind)}, {"message", f.message}});
    printJson({{"plugins", plugins}, {"failures", failures}});
    return 0;
}

int runDatasets(int argc, char** argv) {
    const Args args(argc, argv, 2, {{"registry", true, false, ""}, {"data-root", true, true, ""}});
    std::vector<std::filesystem::path> roots;
    for (const auto& r : args.all("data-root")) roots.emplace_back(r);
    const catalog::DatasetCatalog catalog(args.get("registry"), roots);
    json list = json::array();
    for (const auto& m : catalog.entries()) {
        const auto avail = catalog.availability(m);
        list.push_back({{"name", m.name}, {"title", m.title}, {"kind", data::toString(m.kind)}, {"available", avail.available},
                        {"message", avail.message}, {"states", m.stateNames}, {"inputs", m.inputNames},
                        {"outputs", m.outputNames}, {"dt", m.dt}, {"citation", m.citation}});
    }
    json roots_json = json::array();
    for (const auto& r : catalog.dataRoots()) roots_json.push_back(r.string());
    printJson({{"registry", catalog.registryDir().string()}, {"data_roots", roots_json}, {"datasets", list}});
    return 0;
}

int runCertify(int argc, char** argv) {
    const Args args(argc, argv, 2, {{"model", true, false, ""}, {"plugin-dir", true, true, ""}});
    model::PluginHost host;
    scanPlugins(host, args);
    const auto m = model::loadModelFile(host, args.require("model"));
    printJson({{"model", args.get("model")}, {"plugin", m->pluginId()}, {"variant", m->variant()}, {"certificate", m->certificate()}});
    return 0;
}

}  // namespace sd::cli
