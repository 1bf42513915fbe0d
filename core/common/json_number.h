#pragma once
// A number for a JSON document: JSON has no NaN or ±∞, so a non-finite value is written as null
// (readers take null for "not available"). Used wherever results or certificates are written.
#include <nlohmann/json.hpp>

namespace sd {

/// `v` when finite, else JSON null.
nlohmann::json jsonNumber(double v);

}  // namespace sd
