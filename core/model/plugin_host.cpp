#include "core/model/plugin_host.h"

#include "core/common/error.h"
#include "core/model/model_document.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QPluginLoader>
#include <algorithm>
#include <cstdlib>
#include <set>

namespace sd::model {

namespace fs = std::filesystem;
using nlohmann::json;

std::string toString(PluginError e) {
    switch (e) {
        case PluginError::WrongIid: return "wrong IID";
        case PluginError::BadMetadata: return "bad metadata";
        case PluginError::ApiVersionTooOld: return "API version too old";
        case PluginError::ApiVersionTooNew: return "API version too new";
        case PluginError::DuplicateId: return "duplicate plugin id";
        case PluginError::LoadFailed: return "load failed";
        case PluginError::ConstructorThrew: return "plugin constructor threw";
        case PluginError::NotAModelPlugin: return "not a model plugin";
    }
    return "unknown";
}

std::string LoadedPlugin::id() const { return metadata.value("Id", ""); }
std::string LoadedPlugin::version() const { return metadata.value("Version", ""); }

std::vector<std::string> LoadedPlugin::capabilities() const {
    std::vector<std::string> out;
    if (metadata.contains("Capabilities"))
        for (const auto& c : metadata["Capabilities"]) out.push_back(c.get<std::string>());
    return out;
}

bool LoadedPlugin::hasCapability(const std::string& cap) const {
    const auto caps = capabilities();
    return std::find(caps.begin(), caps.end(), cap) != caps.end();
}

struct PluginHost::Impl {
    // Loaders are never unloaded: models created by a plugin run code from its library.
    std::vector<std::unique_ptr<QPluginLoader>> loaders;
    std::set<std::string> seenFiles;
};

PluginHost::PluginHost() : impl_(std::make_unique<Impl>()) {}
PluginHost::~PluginHost() = default;

std::vector<fs::path> PluginHost::searchPath(const std::vector<fs::path>& extraDirs) {
    std::vector<fs::path> candidates = extraDirs;
    if (const char* env = std::getenv("STABLEDYN_PLUGIN_PATH")) {
        const std::string s(env);
        std::size_t start = 0;
        while (start <= s.size()) {
            const std::size_t end = s.find(':', start);
            const std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!part.empty()) candidates.emplace_back(part);
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    if (QCoreApplication::instance()) {
        const fs::path appDir = QCoreApplication::applicationDirPath().toStdString();
        candidates.push_back(appDir / "plugins");
        candidates.push_back(appDir / ".." / "plugins");
        candidates.push_back(appDir / ".." / "lib" / "stabledyn" / "plugins");
    }
#ifdef STABLEDYN_INSTALL_PLUGIN_DIR
    candidates.emplace_back(STABLEDYN_INSTALL_PLUGIN_DIR);
#endif
#ifdef STABLEDYN_BUILD_PLUGIN_DIR
    candidates.emplace_back(STABLEDYN_BUILD_PLUGIN_DIR);
#endif
    std::vector<fs::path> out;
    std::set<std::string> seen;
    for (const auto& c : candidates) {
        std::error_code ec;
        const fs::path canon = fs::weakly_canonical(c, ec);
        const std::string key = ec ? c.string() : canon.string();
        if (seen.insert(key).second) out.push_back(ec ? c : canon);
    }
    return out;
}

void PluginHost::scan(const std::vector<fs::path>& extraDirs) {
    for (const auto& dir : searchPath(extraDirs)) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const auto ext = entry.path().extension().string();
            if (entry.is_regular_file() && (ext == ".so" || ext == ".dll" || ext == ".dylib")) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());  // deterministic order
        for (const auto& f : files) loadFile(f);
    }
}

namespace {

// Returns an empty string if the metadata is complete and well-typed, otherwise what is wrong.
std::string metadataProblem(const json& md) {
    if (!md.is_object()) return "no MetaData object (is the plugin built with Q_PLUGIN_METADATA(... FILE ...)?)";
    for (const char* key : {"Id", "Name", "Version", "Description"})
        if (!md.contains(key) || !md[key].is_string() || md[key].get<std::string>().empty())
            return std::string("missing or empty string key \"") + key + "\"";
    if (!md.contains("ApiVersion") || !md["ApiVersion"].is_number_integer())
        return "missing or non-integer key \"ApiVersion\"";
    if (!md.contains("Capabilities") || !md["Capabilities"].is_array()) return "missing array key \"Capabilities\"";
    for (const auto& c : md["Capabilities"])
        if (!c.is_string()) return "\"Capabilities\" must contain only strings";
    return {};
}

}  // namespace

bool PluginHost::loadFile(const fs::path& file) {
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(file, ec);
    const std::string path = (ec ? file : canon).string();
    if (!impl_->seenFiles.insert(path).second) return false;

    auto fail = [&](PluginError kind, const std::string& what) {
        failures_.push_back({path, kind, path + ": " + what});
        return false;
    };

    auto loader = std::make_unique<QPluginLoader>(QString::fromStdString(path));
    // 1. Metadata only — the library is not loaded yet.
    const QJsonObject raw = loader->metaData();
    if (raw.isEmpty()) return fail(PluginError::LoadFailed, "not a Qt plugin or unreadable: " + loader->errorString().toStdString());
    const json meta = json::parse(QJsonDocument(raw).toJson(QJsonDocument::Compact).toStdString());
    const std::string iid = meta.value("IID", "");
    if (iid != SD_MODEL_PLUGIN_IID)
        return fail(PluginError::WrongIid, std::string("expected IID '") + SD_MODEL_PLUGIN_IID + "' but found '" + iid + "'");
    const json md = meta.contains("MetaData") ? meta["MetaData"] : json();
    if (const std::string problem = metadataProblem(md); !problem.empty()) return fail(PluginError::BadMetadata, problem);
    const int api = md["ApiVersion"].get<int>();
    if (api < kMinPluginApiVersion)
        return fail(PluginError::ApiVersionTooOld, "ApiVersion " + std::to_string(api) + " is older than the minimum " +
                                                       std::to_string(kMinPluginApiVersion));
    if (api > kCurrentPluginApiVersion)
        return fail(PluginError::ApiVersionTooNew, "ApiVersion " + std::to_string(api) + " is newer than this host's " +
                                                       std::to_string(kCurrentPluginApiVersion));
    const std::string id = md["Id"].get<std::string>();
    if (find(id)) return fail(PluginError::DuplicateId, "plugin id '" + id + "' is already loaded from " + find(id)->file);

    // 2. Only now load the library and construct the plugin object.
    QObject* instance = nullptr;
    try {
        instance = loader->instance();
    } catch (const std::exception& e) {
        return fail(PluginError::ConstructorThrew, std::string("constructor threw: ") + e.what());
    } catch (...) {
        return fail(PluginError::ConstructorThrew, "constructor threw a non-standard exception");
    }
    if (!instance) return fail(PluginError::LoadFailed, "cannot load: " + loader->errorString().toStdString());
    auto* plugin = qobject_cast<ModelPlugin*>(instance);
    if (!plugin) return fail(PluginError::NotAModelPlugin, "instance does not implement " SD_MODEL_PLUGIN_IID);
    std::string pluginId;
    try {
        pluginId = plugin->id();
    } catch (const std::exception& e) {
        return fail(PluginError::ConstructorThrew, std::string("id() threw: ") + e.what());
    }
    if (pluginId != id)
        return fail(PluginError::BadMetadata, "metadata Id '" + id + "' differs from the plugin's id() '" + pluginId + "'");

    plugins_.push_back({path, md, plugin});
    impl_->loaders.push_back(std::move(loader));
    return true;
}

const LoadedPlugin* PluginHost::find(const std::string& id) const {
    for (const auto& p : plugins_)
        if (p.id() == id) return &p;
    return nullptr;
}

const LoadedPlugin& PluginHost::require(const std::string& id) const {
    if (const auto* p = find(id)) return *p;
    std::string loaded;
    for (const auto& p : plugins_) loaded += (loaded.empty() ? "" : ", ") + p.id();
    throw Error("plugin '" + id + "'", "not found (loaded: " + (loaded.empty() ? std::string("none") : loaded) + ")");
}

std::unique_ptr<Model> PluginHost::loadModel(const json& doc) const {
    checkEnvelope(doc, "");
    const std::string id = doc["plugin"]["id"].get<std::string>();
    return require(id).plugin->load(doc);
}

}  // namespace sd::model
