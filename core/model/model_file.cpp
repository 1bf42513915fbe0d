#include "core/model/model_file.h"

#include "core/common/error.h"
#include "core/common/json_reader.h"

#include <new>
#include <stdexcept>

namespace sd::model {

using nlohmann::json;

std::unique_ptr<Model> loadModelFrom(const PluginHost& host, const json& doc, const std::string& source) {
    static const std::string kGeneric = "model JSON";
    try {
        return host.loadModel(doc);
    } catch (const Error& e) {
        // ModelPlugin::load has no file name, so plugins say "model JSON": put the source there, or in front
        // when the error names something else (a hyperparameter, a plugin).
        if (source == kGeneric || e.where().rfind(source, 0) == 0) throw;
        std::string where = e.where();
        const auto at = where.find(kGeneric);
        if (at != std::string::npos) where.replace(at, kGeneric.size(), source);
        else where = source + (where.empty() ? "" : ": " + where);
        throw Error(where, e.detail());
    } catch (const json::exception& e) {
        // A plugin reading a field of the wrong JSON type without checking it first.
        throw Error(source, std::string("malformed model document: ") + e.what());
    } catch (const std::bad_alloc&) {
        throw Error(source, "the model's sizes need more memory than is available (dims or size hyperparameters too large)");
    } catch (const std::length_error& e) {
        throw Error(source, std::string("the model's sizes are too large: ") + e.what());
    }
}

std::unique_ptr<Model> loadModelFile(const PluginHost& host, const std::filesystem::path& path) {
    return loadModelFrom(host, readJsonFileStrict(path), path.string());
}

}  // namespace sd::model
