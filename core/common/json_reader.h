#pragma once
// The one strict JSON reader every JSON loader uses (model files, datasets, benchmark manifests, sessions,
// experiment plans, configuration files).
//
// Stricter than nlohmann::json::parse in the two ways a hand-edited or tampered file can otherwise slip
// through: a duplicated key in one object is refused (the parser would keep the last one silently), and a
// number that overflows a double (1e309) is refused naming its field path instead of escaping as an
// out_of_range exception. Every error is an sd::Error whose <where> names the source and the place:
//   "m.json: byte 17"                      syntax error
//   "m.json: parameters.A.data[3]"         number overflow
//   "m.json: parameters"                   duplicate key "A"
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sd {

/// Parses `text`; `source` names it in errors (a file path, "model JSON", "--set value"). Throws sd::Error.
nlohmann::json parseJsonStrict(std::string_view text, const std::string& source);

/// Reads and parses a file with parseJsonStrict; errors name the path. Throws sd::Error.
nlohmann::json readJsonFileStrict(const std::filesystem::path& path);

/// `v` as an index (a column, a trajectory): a JSON integer in [0, 2³¹ − 1]. Anything else — a fraction, 1e36, a
/// negative number, a string — is an sd::Error at `where`. (json::get<int> of 1e36 converts a double that does
/// not fit an int: undefined behaviour, found by fuzzing session files.)
int jsonIndex(const nlohmann::json& v, const std::string& where);

}  // namespace sd
