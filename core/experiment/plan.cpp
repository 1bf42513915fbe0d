#include "core/experiment/plan.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace sd::experiment {

using nlohmann::json;

namespace {

// Every object of a plan is checked against the keys it may have; "comment" is allowed everywhere.
void checkKeys(const json& obj, std::initializer_list<const char*> allowed, const std::string& where) {
    if (!obj.is_object()) throw Error(where, "expected an object, found " + std::string(obj.type_name()));
    for (const auto& [key, value] : obj.items()) {
        if (key == "comment") continue;
        bool ok = false;
        for (const char* a : allowed) ok = ok || key == a;
        if (!ok) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            throw Error(where + "." + key, "unknown key (expected one of: " + list + ")");
        }
    }
}

std::string stringAt(const json& obj, const char* key, const std::string& where, bool required, const std::string& fallback = {}) {
    if (!obj.contains(key)) {
        if (required) throw Error(where + "." + key, "required");
        return fallback;
    }
    if (!obj[key].is_string()) throw Error(where + "." + key, "expected a string, found " + std::string(obj[key].type_name()));
    return obj[key].get<std::string>();
}

bool boolAt(const json& obj, const char* key, const std::string& where, bool fallback) {
    if (!obj.contains(key)) return fallback;
    if (!obj[key].is_boolean()) throw Error(where + "." + key, "expected true or false, found " + obj[key].dump());
    return obj[key].get<bool>();
}

std::vector<std::string> stringListAt(const json& obj, const char* key, const std::string& where) {
    std::vector<std::string> out;
    if (!obj.contains(key)) return out;
    if (!obj[key].is_array()) throw Error(where + "." + key, "expected a list of strings");
    for (std::size_t i = 0; i < obj[key].size(); ++i) {
        if (!obj[key][i].is_string()) throw Error(where + "." + key + "[" + std::to_string(i) + "]", "expected a string");
        out.push_back(obj[key][i].get<std::string>());
    }
    return out;
}

json scalarJson(double v, bool integer) { return integer ? json(static_cast<long long>(std::llround(v))) : json(v); }

bool isScalar(const json& v) { return v.is_number() || v.is_string() || v.is_boolean(); }

Axis parseAxis(const json& a, const std::string& where) {
    checkKeys(a, {"key", "keys", "name", "values", "range", "log"}, where);
    Axis axis;
    if (a.contains("key") && a.contains("keys")) throw Error(where, "give either \"key\" or \"keys\", not both");
    if (a.contains("key")) axis.keys = {stringAt(a, "key", where, true)};
    if (a.contains("keys")) {
        axis.keys = stringListAt(a, "keys", where);
        if (axis.keys.empty()) throw Error(where + ".keys", "empty list");
    }
    axis.name = stringAt(a, "name", where, axis.keys.empty(), axis.keys.empty() ? "" : axis.keys.front());
    if (axis.name.empty()) throw Error(where + ".name", "must not be empty");
    const bool hasValues = a.contains("values"), hasRange = a.contains("range");
    if (hasValues == hasRange) throw Error(where, "give exactly one of \"values\" (a list) or \"range\"");
    if (hasRange) {
        if (axis.keys.empty()) throw Error(where + ".range", "a range needs \"key\" or \"keys\"");
        bool integer = false, log = false;
        for (double v : expandRange(a["range"], where + ".range", &integer, &log)) {
            AxisValue av;
            av.value = scalarJson(v, integer);
            axis.values.push_back(std::move(av));
        }
        axis.log = log;
    } else {
        const json& values = a["values"];
        if (!values.is_array()) throw Error(where + ".values", "expected a list");
        if (values.empty()) throw Error(where + ".values", "empty axis: give at least one value");
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::string w = where + ".values[" + std::to_string(i) + "]";
            const json& v = values[i];
            AxisValue av;
            if (axis.keys.empty()) {
                checkKeys(v, {"label", "set"}, w);
                av.label = stringAt(v, "label", w, true);
                if (!v.contains("set") || !v["set"].is_object()) throw Error(w + ".set", "required: an object of hyperparameters");
                av.set = v["set"];
            } else {
                if (!isScalar(v)) throw Error(w, "expected a number, string or boolean (bundle values need an axis without \"key\")");
                if (v.is_number() && !std::isfinite(v.get<double>())) throw Error(w, "not a finite number");
                av.value = v;
            }
            axis.values.push_back(std::move(av));
        }
    }
    axis.log = boolAt(a, "log", where, axis.log);
    std::set<std::string> labels;
    for (auto& v : axis.values) {
        if (!axis.keys.empty()) {
            v.label = formatAxisValue(v.value);
            v.set = json::object();
            for (const auto& k : axis.keys) v.set[k] = v.value;
        }
        if (!labels.insert(v.label + "\x1f" + v.set.dump()).second) throw Error(where + ".values", "value '" + v.label + "' appears twice");
    }
    return axis;
}

DatasetSpec parseDataset(const json& d, const std::string& where) {
    DatasetSpec spec;
    if (d.is_string()) {
        spec.name = d.get<std::string>();
        spec.source = {{"open", spec.name}};
        if (spec.name.empty()) throw Error(where, "empty dataset name");
        return spec;
    }
    checkKeys(d, {"name", "registry", "file", "open", "generate", "params", "seed", "transforms", "in_memory", "sha256"}, where);
    int kinds = 0;
    for (const char* k : {"registry", "file", "open", "generate", "in_memory"}) kinds += d.contains(k) ? 1 : 0;
    if (kinds != 1) throw Error(where, "give exactly one of \"registry\", \"file\", \"open\" or \"generate\"");
    if (d.contains("in_memory")) {   // a stored studio sweep: the data were in the studio's memory
        spec.source = {{"in_memory", true}, {"sha256", stringAt(d, "sha256", where, true)}};
        spec.name = stringAt(d, "name", where, false, "in-memory");
        return spec;
    }
    spec.source = d;
    spec.source.erase("name");
    spec.source.erase("comment");
    std::string defaultName;
    for (const char* k : {"registry", "file", "open", "generate"})
        if (d.contains(k)) defaultName = stringAt(d, k, where, true);
    if (d.contains("file")) defaultName = std::filesystem::path(defaultName).stem().string();
    if (!d.contains("generate") && (d.contains("params") || d.contains("seed")))
        throw Error(where, "\"params\" and \"seed\" belong to a \"generate\" dataset");
    if (d.contains("params") && !d["params"].is_object()) throw Error(where + ".params", "expected an object");
    if (d.contains("seed") && !d["seed"].is_number_unsigned() && d["seed"] != "cell")
        throw Error(where + ".seed", "expected a non-negative integer or \"cell\" (the cell's seed)");
    if (d.contains("transforms")) {
        if (!d["transforms"].is_array()) throw Error(where + ".transforms", "expected a list");
        for (std::size_t i = 0; i < d["transforms"].size(); ++i) {
            const json& t = d["transforms"][i];
            const std::string w = where + ".transforms[" + std::to_string(i) + "]";
            if (!t.is_object()) throw Error(w, "expected an object with a \"kind\"");
            stringAt(t, "kind", w, true);
        }
    }
    spec.name = stringAt(d, "name", where, false, defaultName);
    if (spec.name.empty()) throw Error(where + ".name", "must not be empty");
    return spec;
}

SeedSpec parseSeeds(const json& s, const std::string& where) {
    SeedSpec out;
    out.values.clear();
    auto readList = [&](const json& list, const std::string& w) {
        if (!list.is_array() || list.empty()) throw Error(w, "expected a non-empty list of non-negative integers");
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_number_unsigned()) throw Error(w + "[" + std::to_string(i) + "]", "expected a non-negative integer, found " + list[i].dump());
            out.values.push_back(list[i].get<std::uint64_t>());
        }
    };
    if (s.is_array()) {
        readList(s, where);
    } else {
        checkKeys(s, {"values", "from", "count", "also_set"}, where);
        if (s.contains("values") == s.contains("count")) throw Error(where, "give either \"values\" or \"from\" + \"count\"");
        if (s.contains("values")) readList(s["values"], where + ".values");
        else {
            if (!s["count"].is_number_unsigned() || s["count"].get<std::uint64_t>() < 1 || s["count"].get<std::uint64_t>() > 100000)
                throw Error(where + ".count", "expected an integer in [1, 100000]");
            if (s.contains("from") && !s["from"].is_number_unsigned()) throw Error(where + ".from", "expected a non-negative integer");
            const std::uint64_t from = s.value("from", std::uint64_t{0});
            for (std::uint64_t k = 0; k < s["count"].get<std::uint64_t>(); ++k) out.values.push_back(from + k);
        }
        out.alsoSet = stringListAt(s, "also_set", where);
    }
    std::set<std::uint64_t> unique(out.values.begin(), out.values.end());
    if (unique.size() != out.values.size()) throw Error(where, "a seed appears twice");
    return out;
}

MetricSpec parseMetric(const json& m, const std::string& where) {
    if (!m.is_object()) throw Error(where, "expected an object with \"name\" and \"kind\"");
    MetricSpec spec;
    spec.kind = stringAt(m, "kind", where, true);
    spec.name = stringAt(m, "name", where, false, spec.kind);
    if (spec.name.empty() || spec.name.find('.') != std::string::npos) throw Error(where + ".name", "must be non-empty and contain no '.'");
    spec.params = m;
    spec.params.erase("comment");
    return spec;
}

ReportSpec parseReport(const json& r, const std::string& where) {
    checkKeys(r, {"metric", "lower_is_better", "log", "sensitivity", "columns", "study", "options"}, where);
    ReportSpec spec;
    spec.metric = stringAt(r, "metric", where, false);
    spec.lowerIsBetter = boolAt(r, "lower_is_better", where, true);
    spec.logScale = boolAt(r, "log", where, true);
    spec.sensitivity = stringAt(r, "sensitivity", where, false);
    spec.columns = stringListAt(r, "columns", where);
    spec.study = stringAt(r, "study", where, false);
    if (r.contains("options")) {
        if (!r["options"].is_object()) throw Error(where + ".options", "expected an object");
        spec.options = r["options"];
    }
    return spec;
}

}  // namespace

bool Axis::numeric() const {
    for (const auto& v : values)
        if (!v.value.is_number() || v.value.is_boolean()) return false;
    return !values.empty();
}

double Axis::number(std::size_t i) const {
    const json& v = values.at(i).value;
    return v.is_number() ? v.get<double>() : std::nan("");
}

std::size_t ExperimentPlan::cellCount() const {
    std::size_t n = datasets.size() * seeds.values.size();
    for (const auto& a : axes) n *= a.values.size();
    return n;
}

int ExperimentPlan::axisIndex(const std::string& axisName) const {
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (axes[i].name == axisName) return static_cast<int>(i);
    return -1;
}

std::string formatAxisValue(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return v.dump();
    if (v.is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
        return buf;
    }
    return v.dump();
}

std::vector<double> expandRange(const json& range, const std::string& where, bool* integerOut, bool* logOut) {
    checkKeys(range, {"from", "to", "count", "scale", "integer"}, where);
    for (const char* k : {"from", "to", "count"})
        if (!range.contains(k) || !range[k].is_number()) throw Error(where + "." + k, "required: a number");
    const double from = range["from"].get<double>(), to = range["to"].get<double>();
    if (!std::isfinite(from) || !std::isfinite(to)) throw Error(where, "\"from\" and \"to\" must be finite");
    if (!range["count"].is_number_integer() || range["count"].get<long long>() < 1 || range["count"].get<long long>() > 100000)
        throw Error(where + ".count", "expected an integer in [1, 100000], found " + range["count"].dump());
    const long long count = range["count"].get<long long>();
    const std::string scale = stringAt(range, "scale", where, false, "linear");
    if (scale != "linear" && scale != "log") throw Error(where + ".scale", "expected \"linear\" or \"log\", found \"" + scale + "\"");
    const bool log = scale == "log";
    const bool integer = boolAt(range, "integer", where, false);
    if (log && (from <= 0 || to <= 0)) throw Error(where, "a log range needs from > 0 and to > 0");
    if (count == 1 && from != to) throw Error(where + ".count", "a range from " + formatAxisValue(from) + " to " + formatAxisValue(to) + " needs count ≥ 2");
    std::vector<double> out;
    for (long long k = 0; k < count; ++k) {
        const double t = count == 1 ? 0.0 : static_cast<double>(k) / static_cast<double>(count - 1);
        double v = log ? std::exp(std::log(from) + t * (std::log(to) - std::log(from))) : from + t * (to - from);
        if (k == count - 1) v = to;   // exact end point
        if (k == 0) v = from;
        if (integer) {
            v = std::round(v);
            if (!out.empty() && out.back() == v) throw Error(where, "integer values repeat (" + formatAxisValue(v) + "): use a smaller count");
        }
        out.push_back(v);
    }
    if (integerOut) *integerOut = integer;
    if (logOut) *logOut = log;
    return out;
}

ExperimentPlan parsePlan(std::string_view text, const std::string& source, const std::filesystem::path& baseDir) {
    const json j = parseJsonStrict(text, source);
    const std::string& w = source;
    checkKeys(j, {"format", "version", "name", "description", "plugin", "fixed", "datasets", "axes", "seeds", "training", "metrics", "report", "output",
                  "base_dir"}, w);
    if (stringAt(j, "format", w, true) != kPlanFormat)
        throw Error(w + ".format", "expected \"" + std::string(kPlanFormat) + "\", found \"" + j["format"].get<std::string>() + "\"");
    if (!j.contains("version") || !j["version"].is_number_integer()) throw Error(w + ".version", "required: an integer");
    if (j["version"].get<long long>() != kPlanSchemaVersion)
        throw Error(w + ".version", "unsupported plan version " + j["version"].dump() + " (this build reads version " + std::to_string(kPlanSchemaVersion) + ")");

    ExperimentPlan plan;
    plan.source = source;
    plan.baseDir = baseDir;
    // A stored plan (plan.json of a run) remembers the folder its relative dataset files are in.
    if (j.contains("base_dir")) plan.baseDir = stringAt(j, "base_dir", w, true);
    plan.name = stringAt(j, "name", w, false, std::filesystem::path(source).stem().string());
    if (plan.name.empty()) throw Error(w + ".name", "must not be empty");
    plan.description = stringAt(j, "description", w, false);
    plan.plugin = stringAt(j, "plugin", w, true);
    plan.output = stringAt(j, "output", w, false);
    if (j.contains("fixed")) {
        if (!j["fixed"].is_object()) throw Error(w + ".fixed", "expected an object of hyperparameters");
        plan.fixed = j["fixed"];
    }
    if (!j.contains("datasets") || !j["datasets"].is_array() || j["datasets"].empty())
        throw Error(w + ".datasets", "required: a non-empty list");
    std::set<std::string> names;
    for (std::size_t i = 0; i < j["datasets"].size(); ++i) {
        plan.datasets.push_back(parseDataset(j["datasets"][i], w + ".datasets[" + std::to_string(i) + "]"));
        if (!names.insert(plan.datasets.back().name).second)
            throw Error(w + ".datasets[" + std::to_string(i) + "].name", "'" + plan.datasets.back().name + "' is used twice");
    }
    if (j.contains("axes")) {
        if (!j["axes"].is_array()) throw Error(w + ".axes", "expected a list");
        std::set<std::string> axisNames;
        std::map<std::string, std::string> keyOwner;   // hyperparameter → axis that sets it
        for (std::size_t i = 0; i < j["axes"].size(); ++i) {
            const std::string aw = w + ".axes[" + std::to_string(i) + "]";
            Axis axis = parseAxis(j["axes"][i], aw);
            if (!axisNames.insert(axis.name).second) throw Error(aw + ".name", "'" + axis.name + "' is used by two axes");
            std::set<std::string> keys;
            for (const auto& v : axis.values)
                for (const auto& [k, value] : v.set.items()) keys.insert(k);
            for (const auto& k : keys) {
                if (keyOwner.count(k)) throw Error(aw, "hyperparameter '" + k + "' is also set by axis '" + keyOwner[k] + "'");
                keyOwner[k] = axis.name;
            }
            plan.axes.push_back(std::move(axis));
        }
    }
    if (j.contains("seeds")) plan.seeds = parseSeeds(j["seeds"], w + ".seeds");
    for (const auto& k : plan.seeds.alsoSet)
        for (const auto& a : plan.axes)
            for (const auto& v : a.values)
                if (v.set.contains(k)) throw Error(w + ".seeds.also_set", "'" + k + "' is also set by axis '" + a.name + "'");
    if (j.contains("training")) {
        const json& t = j["training"];
        checkKeys(t, {"train_split", "validation_split"}, w + ".training");
        plan.training.trainSplit = stringAt(t, "train_split", w + ".training", false, "train");
        plan.training.validationSplit = stringAt(t, "validation_split", w + ".training", false, "validation");
    }
    if (j.contains("metrics")) {
        if (!j["metrics"].is_array() || j["metrics"].empty()) throw Error(w + ".metrics", "expected a non-empty list");
        std::set<std::string> metricNames;
        for (std::size_t i = 0; i < j["metrics"].size(); ++i) {
            const std::string mw = w + ".metrics[" + std::to_string(i) + "]";
            plan.metrics.push_back(parseMetric(j["metrics"][i], mw));
            if (!metricNames.insert(plan.metrics.back().name).second) throw Error(mw + ".name", "'" + plan.metrics.back().name + "' is used twice");
        }
    } else {
        plan.metrics.push_back(parseMetric({{"name", "score"}, {"kind", "evaluate"}, {"split", "auto"}}, w + ".metrics"));
    }
    if (j.contains("report")) plan.report = parseReport(j["report"], w + ".report");
    if (plan.cellCount() > 10'000'000) throw Error(w, "the plan has " + std::to_string(plan.cellCount()) + " cells (more than 10 million)");
    return plan;
}

ExperimentPlan readPlanFile(const std::filesystem::path& path) {
    return parsePlan(readFile(path), path.string(), path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

json planToJson(const ExperimentPlan& plan) {
    json j = {{"format", kPlanFormat}, {"version", kPlanSchemaVersion}, {"name", plan.name}, {"plugin", plan.plugin}, {"fixed", plan.fixed}};
    if (!plan.description.empty()) j["description"] = plan.description;
    json datasets = json::array();
    for (const auto& d : plan.datasets) {
        json dj = d.source;
        if (d.inMemory) dj = {{"in_memory", true}, {"sha256", d.inMemory->sha256}};
        if (dj.contains("in_memory")) dj.erase("transforms");
        dj["name"] = d.name;
        datasets.push_back(dj);
    }
    j["datasets"] = datasets;
    json axes = json::array();
    for (const auto& a : plan.axes) {
        json aj = {{"name", a.name}, {"log", a.log}, {"values", json::array()}};
        if (!a.keys.empty()) aj["keys"] = a.keys;
        for (const auto& v : a.values) aj["values"].push_back(a.keys.empty() ? json{{"label", v.label}, {"set", v.set}} : v.value);
        axes.push_back(aj);
    }
    j["axes"] = axes;
    j["seeds"] = {{"values", plan.seeds.values}, {"also_set", plan.seeds.alsoSet}};
    j["training"] = {{"train_split", plan.training.trainSplit}, {"validation_split", plan.training.validationSplit}};
    json metrics = json::array();
    for (const auto& m : plan.metrics) {
        json mj = m.params;
        mj["name"] = m.name;
        mj["kind"] = m.kind;
        metrics.push_back(mj);
    }
    j["metrics"] = metrics;
    j["report"] = {{"metric", plan.report.metric}, {"lower_is_better", plan.report.lowerIsBetter}, {"log", plan.report.logScale},
                   {"sensitivity", plan.report.sensitivity}, {"columns", plan.report.columns}, {"study", plan.report.study},
                   {"options", plan.report.options}};
    if (!plan.output.empty()) j["output"] = plan.output;
    if (!plan.baseDir.empty()) j["base_dir"] = std::filesystem::absolute(plan.baseDir).lexically_normal().string();
    return j;
}

}  // namespace sd::experiment
