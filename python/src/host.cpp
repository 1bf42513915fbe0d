#include "host.h"

#include "bindings.h"
#include "json_py.h"

#include <algorithm>
#include <dlfcn.h>
#include <memory>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace sd::py {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<model::PluginHost>& hostSlot() {
    // Never destroyed: models created by plugins run code from libraries the host keeps loaded, and
    // Python may free models after static destructors have run.
    static auto* slot = new std::unique_ptr<model::PluginHost>();
    return *slot;
}

std::vector<fs::path>& userDirs() {
    static auto* dirs = new std::vector<fs::path>();
    return *dirs;
}

// The folder of this extension module's shared library.
fs::path moduleDir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&moduleDir), &info) && info.dli_fname) {
        std::error_code ec;
        const fs::path file = fs::weakly_canonical(info.dli_fname, ec);
        return (ec ? fs::path(info.dli_fname) : file).parent_path();
    }
    return {};
}

std::vector<fs::path> besideModule() {
    const fs::path dir = moduleDir();
    if (dir.empty()) return {};
    return {dir / ".." / "plugins", dir / "plugins"};
}

}  // namespace

model::PluginHost& pluginHost() {
    auto& slot = hostSlot();
    if (!slot) {
        slot = std::make_unique<model::PluginHost>();
        slot->scan(userDirs());       // user folders, then $STABLEDYN_PLUGIN_PATH, install and build folders
        slot->scan(besideModule());   // already loaded files are skipped
    }
    return *slot;
}

void addPluginDir(const fs::path& dir) {
    userDirs().push_back(dir);
    if (hostSlot()) hostSlot()->scan({dir});
}

std::vector<fs::path> pluginSearchPath() {
    std::vector<fs::path> out = model::PluginHost::searchPath(userDirs());
    for (const auto& d : besideModule()) {
        std::error_code ec;
        const fs::path canon = fs::weakly_canonical(d, ec);
        const fs::path p = ec ? d : canon;
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    return out;
}

namespace {

pybind11::dict describe(const model::LoadedPlugin& p) {
    pybind11::dict d;
    d["id"] = p.id();
    d["name"] = p.metadata.value("Name", "");
    d["version"] = p.version();
    d["api_version"] = p.metadata.value("ApiVersion", 0);
    d["capabilities"] = p.capabilities();
    d["description"] = p.metadata.value("Description", "");
    d["file"] = p.file;
    d["randomisable"] = p.plugin->isRandomisable();
    d["hyperparameters"] = toPython(p.plugin->hyperparameterSchema());
    return d;
}

}  // namespace

void bindPlugins(pybind11::module_& m) {
    namespace py = pybind11;
    m.def("plugins", [] {
        py::list out;
        for (const auto& p : pluginHost().plugins()) out.append(describe(p));
        return out;
    }, "The loaded model plugins: dicts with id, name, version, api_version, capabilities, description, file,\n"
       "randomisable (create_model(..., seed=…) draws random models) and hyperparameters (the schema that train()\n"
       "and create_model() validate against).");
    m.def("plugin_failures", [] {
        py::list out;
        for (const auto& f : pluginHost().failures()) {
            py::dict d;
            d["file"] = f.file;
            d["error"] = model::toString(f.kind);
            d["message"] = f.message;
            out.append(d);
        }
        return out;
    }, "Libraries found on the plugin path that did not load, with the reason (like `stabledyn plugins`).");
    m.def("plugin_path", &pluginSearchPath,
          "Every folder searched for plugins, in order: add_plugin_dir() folders, $STABLEDYN_PLUGIN_PATH, the install\n"
          "and build plugin folders, then <module dir>/../plugins and <module dir>/plugins.");
    m.def("add_plugin_dir", [](const fs::path& dir) { addPluginDir(dir); }, py::arg("path"),
          "Adds a plugin folder: searched first if called before the first use of plugins, scanned at once otherwise.");
}

}  // namespace sd::py
