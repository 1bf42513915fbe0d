#pragma once
// Minimal command-line parsing for the stabledyn CLI: positional words, "--key value" options,
// "--flag" switches and repeatable "--set k=v" pairs. Unknown options are errors (sd::Error).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sd::cli {

struct OptionSpec {
    std::string name;       ///< without dashes
    bool takesValue = true;
    bool repeatable = false;
    std::string help;
};

class Args {
public:
    /// Parses argv[first..argc) against `specs`. Throws sd::Error("option --x", …) on an unknown option,
    /// a missing value, or a repeated non-repeatable option.
    Args(int argc, char** argv, int first, const std::vector<OptionSpec>& specs);

    const std::vector<std::string>& positional() const { return positional_; }
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    /// The value of an option, or `fallback`.
    std::string get(const std::string& name, const std::string& fallback = "") const;
    /// The value of a required option; throws sd::Error("option --name", "required").
    std::string require(const std::string& name) const;
    /// Every value of a repeatable option, in order.
    std::vector<std::string> all(const std::string& name) const;
    /// Integer / double values with range-free parsing; errors name the option.
    long long getInt(const std::string& name, long long fallback) const;
    double getDouble(const std::string& name, double fallback) const;

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::vector<std::string>> values_;
};

/// Splits "k=v" at the first '=': returns k and sets `value` to v. Throws sd::Error naming `where` on a pair
/// without '=' or without a key. (Hyperparameter assignments: model::parseHyperparameterAssignment.)
std::string splitKeyValue(const std::string& pair, std::string& value, const std::string& where);

}  // namespace sd::cli
