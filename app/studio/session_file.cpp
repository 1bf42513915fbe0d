#include "app/studio/session_file.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"
#include "core/model/model_document.h"

namespace sd::studio {

using nlohmann::json;

json Session::toJson() const {
    json j{{"format", kSessionFormat},
           {"version", kSessionVersion},
           {"dataset", dataset.toJson()},
           {"train_split", trainSplit},
           {"validation_split", validationSplit},
           {"plugin", pluginId},
           {"hyperparameters", hyperparameters},
           {"model", model},
           {"views", views},
           {"board", board}};
    if (splits) j["splits"] = *splits;
    return j;
}

Session Session::fromJson(const json& j, const std::string& source) {
    if (!j.is_object()) throw Error(source, "expected a JSON object");
    // Type-checked before comparing: a non-string "format" is an error about the field, not a JSON type error.
    if (!j.contains("format") || !j["format"].is_string() || j["format"].get<std::string>() != kSessionFormat)
        throw Error(source + ": format", std::string("expected \"") + kSessionFormat + "\", found " + (j.contains("format") ? j["format"].dump() : "nothing"));
    if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != kSessionVersion)
        throw Error(source + ": version", "only version 1 is understood, found " + (j.contains("version") ? j["version"].dump() : "nothing"));
    Session s;
    try {
        s.dataset = DatasetReference::fromJson(j.value("dataset", json::object()), source + ": dataset");
        if (j.contains("splits") && !j["splits"].is_null()) {
            if (!j["splits"].is_object()) throw Error(source + ": splits", "expected an object of name → trajectory indices");
            std::map<std::string, std::vector<int>> splits;
            for (const auto& [name, indices] : j["splits"].items()) {
                if (!indices.is_array()) throw Error(source + ": splits." + name, "expected an array of trajectory indices");
                auto& out = splits[name];
                for (const auto& index : indices)
                    out.push_back(jsonIndex(index, source + ": splits." + name + "[" + std::to_string(out.size()) + "]"));
            }
            s.splits = std::move(splits);
        }
        s.trainSplit = j.value("train_split", "train");
        s.validationSplit = j.value("validation_split", "validation");
        s.pluginId = j.value("plugin", "");
        s.hyperparameters = j.value("hyperparameters", json::object());
        s.model = j.contains("model") ? j["model"] : json();
        s.views = j.value("views", json::object());
        s.board = j.value("board", json::array());   // sessions written before the board have none
    } catch (const json::exception& e) {
        throw Error(source, std::string("malformed session: ") + e.what());
    }
    return s;
}

void saveSessionFile(const std::filesystem::path& path, const Session& session) {
    writeFileAtomic(path, session.toJson().dump(2) + "\n");
}

Session loadSessionFile(const std::filesystem::path& path) {
    return Session::fromJson(model::readJsonFile(path), path.string());
}

}  // namespace sd::studio
