#pragma once
// nlohmann::json ↔ Python objects (dict, list, str, int, float, bool, None).
#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>
#include <string>

namespace sd::py {

namespace py = pybind11;

/// JSON → Python: objects become dicts (keys sorted, as the core stores them), arrays lists; non-finite
/// doubles stay floats (nan, inf).
py::object toPython(const nlohmann::json& j);

/// Python → JSON: dict (str keys), list/tuple, str, bool, int, float, None, and numpy arrays and scalars
/// (through .tolist()). Throws InputError naming `where` for anything else.
nlohmann::json toJson(py::handle obj, const std::string& where);

}  // namespace sd::py
