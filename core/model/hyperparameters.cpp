#include "core/model/hyperparameters.h"

#include "core/common/error.h"

#include <cmath>
#include <sstream>

namespace sd::model {

namespace {

using nlohmann::json;

std::string where(const std::string& key) { return "hyperparameter '" + key + "'"; }

const json& params(const json& schema) {
    if (!schema.is_object() || !schema.contains("params") || !schema["params"].is_array())
        throw Error("hyperparameter schema", "expected an object with a \"params\" array");
    return schema["params"];
}

std::string describe(const json& v) {
    std::string s = v.dump();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

void checkRange(const json& p, const std::string& key, double v) {
    const bool exclusiveMin = p.value("exclusive_min", false);
    if (p.contains("min")) {
        const double lo = p["min"].get<double>();
        if (exclusiveMin ? !(v > lo) : !(v >= lo)) {
            std::ostringstream ss;
            ss << "value " << v << " is below the allowed " << (exclusiveMin ? "exclusive " : "") << "minimum " << lo;
            throw Error(where(key), ss.str());
        }
    }
    if (p.contains("max")) {
        const double hi = p["max"].get<double>();
        if (!(v <= hi)) {
            std::ostringstream ss;
            ss << "value " << v << " is above the allowed maximum " << hi;
            throw Error(where(key), ss.str());
        }
    }
}

json checkValue(const json& p, const std::string& key, const json& v) {
    const std::string type = p.value("type", "");
    if (type == "number") {
        if (!v.is_number()) throw Error(where(key), "expected a number, found " + describe(v));
        const double d = v.get<double>();
        if (!std::isfinite(d)) throw Error(where(key), "expected a finite number");
        checkRange(p, key, d);
        return d;
    }
    if (type == "int") {
        if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
            throw Error(where(key), "expected an integer, found " + describe(v));
        // Checked before the conversion: a double beyond the long long range (1e36) has no integer value and
        // converting it is undefined. Beyond 2⁵³ doubles are not all integers anyway.
        if (std::abs(v.get<double>()) > 9007199254740992.0)
            throw Error(where(key), "integer " + describe(v) + " is too large");
        const auto i = static_cast<long long>(v.get<double>());
        checkRange(p, key, static_cast<double>(i));
        return i;
    }
    if (type == "bool") {
        if (!v.is_boolean()) throw Error(where(key), "expected true or false, found " + describe(v));
        return v;
    }
    if (type == "string") {
        if (!v.is_string()) throw Error(where(key), "expected a string, found " + describe(v));
        return v;
    }
    if (type == "enum") {
        const json& values = p.at("values");
        for (const auto& allowed : values)
            if (allowed == v) return v;
        throw Error(where(key), "expected one of " + values.dump() + ", found " + describe(v));
    }
    if (type == "int_list" || type == "number_list") {
        if (!v.is_array()) throw Error(where(key), "expected a list, found " + describe(v));
        if (p.contains("min_items") && v.size() < p["min_items"].get<std::size_t>())
            throw Error(where(key), "expected at least " + p["min_items"].dump() + " items, found " + std::to_string(v.size()));
        if (p.contains("max_items") && v.size() > p["max_items"].get<std::size_t>())
            throw Error(where(key), "expected at most " + p["max_items"].dump() + " items, found " + std::to_string(v.size()));
        json elem = p;
        elem["type"] = (type == "int_list") ? "int" : "number";
        json out = json::array();
        for (std::size_t i = 0; i < v.size(); ++i) out.push_back(checkValue(elem, key + "[" + std::to_string(i) + "]", v[i]));
        return out;
    }
    throw Error(where(key), "schema declares unknown type '" + type + "'");
}

}  // namespace

const json* findHyperparameter(const json& schema, const std::string& key) {
    for (const auto& p : params(schema))
        if (p.value("key", "") == key) return &p;
    return nullptr;
}

json defaultHyperparameters(const json& schema) {
    json out = json::object();
    for (const auto& p : params(schema)) {
        const std::string key = p.value("key", "");
        if (key.empty()) throw Error("hyperparameter schema", "a parameter has no \"key\"");
        if (!p.contains("default")) throw Error(where(key), "schema gives no default");
        out[key] = p["default"];
    }
    return out;
}

json validateHyperparameters(const json& schema, const json& hyper) {
    const json& ps = params(schema);
    if (!hyper.is_null() && !hyper.is_object())
        throw Error("hyperparameters", "expected a JSON object, found " + describe(hyper));
    if (hyper.is_object()) {
        for (auto it = hyper.begin(); it != hyper.end(); ++it) {
            if (!findHyperparameter(schema, it.key())) {
                std::string known;
                for (const auto& p : ps) known += (known.empty() ? "" : ", ") + p.value("key", "");
                throw Error(where(it.key()), "unknown (known: " + known + ")");
            }
        }
    }
    json out = json::object();
    for (const auto& p : ps) {
        const std::string key = p.value("key", "");
        if (key.empty()) throw Error("hyperparameter schema", "a parameter has no \"key\"");
        const bool given = hyper.is_object() && hyper.contains(key);
        if (!given && !p.contains("default")) throw Error(where(key), "required but not given");
        out[key] = checkValue(p, key, given ? hyper[key] : p["default"]);
    }
    return out;
}

nlohmann::json parseHyperparameterValue(const std::string& text, const std::string& where) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error&) {
        return text;
    } catch (const nlohmann::json::out_of_range&) {
        throw Error(where, "number " + text + " is out of range (larger than the largest double)");
    }
}

HyperparameterAssignment parseHyperparameterAssignment(const std::string& text, const std::string& where) {
    const auto eq = text.find('=');
    std::string key = eq == std::string::npos ? std::string() : text.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (key.empty()) throw Error(where, "expected key=value, found \"" + text + "\"");
    return {key, parseHyperparameterValue(text.substr(eq + 1), where + " " + key)};
}

}  // namespace sd::model
