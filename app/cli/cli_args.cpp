#include "cli_args.h"

#include "core/common/error.h"

#include <cstdlib>

namespace sd::cli {

Args::Args(int argc, char** argv, int first, const std::vector<OptionSpec>& specs) {
    for (int i = first; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            positional_.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        bool inlineValue = false;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inlineValue = true;
        }
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (s.name == name) spec = &s;
        if (!spec) throw Error("option --" + name, "unknown option (see --help)");
        if (spec->takesValue && !inlineValue) {
            if (i + 1 >= argc) throw Error("option --" + name, "expects a value");
            value = argv[++i];
        }
        if (!spec->takesValue) value = "true";
        auto& slot = values_[name];
        if (!slot.empty() && !spec->repeatable) throw Error("option --" + name, "given more than once");
        slot.push_back(value);
    }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second.back();
}

std::string Args::require(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw Error("option --" + name, "required");
    return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

long long Args::getInt(const std::string& name, long long fallback) const {
    if (!has(name)) return fallback;
    const std::string v = get(name);
    char* end = nullptr;
    const long long x = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0') throw Error("option --" + name, "expected an integer, found \"" + v + "\"");
    return x;
}

double Args::getDouble(const std::string& name, double fallback) const {
    if (!has(name)) return fallback;
    const std::string v = get(name);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') throw Error("option --" + name, "expected a number, found \"" + v + "\"");
    return x;
}

std::string splitKeyValue(const std::string& pair, std::string& value, const std::string& where) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) throw Error(where, "expected key=value, found \"" + pair + "\"");
    value = pair.substr(eq + 1);
    return pair.substr(0, eq);
}

}  // namespace sd::cli
