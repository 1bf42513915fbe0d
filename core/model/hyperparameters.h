#pragma once
// Hyperparameter schemas: one JSON description per plugin drives the GUI form, CLI validation and the
// defaults written into every exported model.
//
// Schema format:
//   { "params": [ { "key": "lr", "type": "number", "default": 1e-3, "min": 0, "max": 10,
//                   "label": "Learning rate", "doc": "Adam step size", "log": true,
//                   "group": "Training", "visible_if": {"variant": ["stable"]} }, … ] }
// Types: "number" (double; min/max inclusive, "exclusive_min": true makes min exclusive),
//        "int" (min/max), "bool", "string", "enum" ("values": [...]), "int_list" (min/max per element,
//        "min_items"/"max_items"), "number_list" (likewise).
// "visible_if" only tells the GUI when to show a field; validation always applies.
#include <nlohmann/json.hpp>
#include <string>

namespace sd::model {

/// Checks `hyper` against `schema` and returns a copy with every missing key set to its default.
/// Throws sd::Error("hyperparameter '<key>'", "<what was expected, what was found>") on an unknown key,
/// a wrong type, a value out of range or not among the enum values, or a malformed schema.
nlohmann::json validateHyperparameters(const nlohmann::json& schema, const nlohmann::json& hyper);

/// The defaults of a schema as one object.
nlohmann::json defaultHyperparameters(const nlohmann::json& schema);

/// Finds a parameter description by key (nullptr if absent).
const nlohmann::json* findHyperparameter(const nlohmann::json& schema, const std::string& key);

/// One "key=value" assignment as typed on a command line (CLI --set, studio --hyper).
struct HyperparameterAssignment {
    std::string key;
    nlohmann::json value;
};

/// The value text of an assignment: JSON when it parses as JSON (0.1, true, [64,64]), else the text as a
/// string (bare words: an enum value, a name). Throws sd::Error("<where>", …) for a number beyond the
/// range of a double (1e400), which would otherwise silently become a string.
nlohmann::json parseHyperparameterValue(const std::string& text, const std::string& where);

/// Splits "key=value" at the first '=' (spaces around the key dropped) and parses the value as above.
/// Throws sd::Error naming `where` when there is no '=' or no key, or naming "<where> <key>" when the value
/// is out of range.
HyperparameterAssignment parseHyperparameterAssignment(const std::string& text, const std::string& where);

}  // namespace sd::model
