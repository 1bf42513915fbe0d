#include "json_py.h"

#include "errors.h"

namespace sd::py {

using nlohmann::json;

py::object toPython(const json& j) {
    switch (j.type()) {
        case json::value_t::null: return py::none();
        case json::value_t::boolean: return py::bool_(j.get<bool>());
        case json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
        case json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
        case json::value_t::number_float: return py::float_(j.get<double>());
        case json::value_t::string: return py::str(j.get_ref<const std::string&>());
        case json::value_t::array: {
            py::list out(j.size());
            for (std::size_t i = 0; i < j.size(); ++i) out[i] = toPython(j[i]);
            return out;
        }
        case json::value_t::object: {
            py::dict out;
            for (const auto& [key, value] : j.items()) out[py::str(key)] = toPython(value);
            return out;
        }
        case json::value_t::binary:
        case json::value_t::discarded: break;
    }
    return py::none();
}

json toJson(py::handle obj, const std::string& where) {
    if (obj.is_none()) return nullptr;
    if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
    if (py::isinstance<py::int_>(obj)) {
        // Python ints are unbounded; JSON through nlohmann holds 64 bits.
        try {
            return obj.cast<std::int64_t>();
        } catch (const py::cast_error&) {
            throw InputError(where, "integer " + std::string(py::str(obj)) + " does not fit in 64 bits");
        }
    }
    if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
    if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
    if (py::isinstance<py::dict>(obj)) {
        json out = json::object();
        for (const auto& [key, value] : obj.cast<py::dict>()) {
            if (!py::isinstance<py::str>(key))
                throw InputError(where, "dictionary keys must be strings, found " + std::string(py::repr(key)));
            const std::string k = key.cast<std::string>();
            out[k] = toJson(value, where + "." + k);
        }
        return out;
    }
    if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
        json out = json::array();
        std::size_t i = 0;
        for (const auto& item : obj) out.push_back(toJson(item, where + "[" + std::to_string(i++) + "]"));
        return out;
    }
    if (py::hasattr(obj, "tolist") && py::hasattr(obj, "dtype")) return toJson(obj.attr("tolist")(), where);  // numpy
    throw InputError(where, "cannot be stored in JSON: " + std::string(py::str(py::type::of(obj).attr("__name__"))));
}

}  // namespace sd::py
