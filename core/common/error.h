#pragma once
// sd::Error — the one exception type for user-facing failures.
//
// Every loader, importer, validator and plugin-host failure throws sd::Error. Its message always has
// the form "<where>: <what>", where <where> names the file (with line/column or JSON field when known),
// the hyperparameter, or the plugin, and <what> says what was expected and what was found.
// The GUI shows what() verbatim; the CLI prints it to stderr and exits non-zero.
#include <stdexcept>
#include <string>

namespace sd {

class Error : public std::runtime_error {
public:
    Error(std::string where, std::string what);

    /// The location part ("file.csv:12:3", "model.json: parameters[2].shape", "plugin libfoo.so").
    const std::string& where() const noexcept { return where_; }
    /// The description part, without the location.
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string where_;
    std::string detail_;
};

}  // namespace sd
