#include "experiment_overrides.h"

#include "cli_context.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"

#include <filesystem>
#include <set>

namespace sd::cli {

using nlohmann::json;

std::vector<OptionSpec> planOverrideOptions() {
    return {{"set", true, true, "fixed hyperparameter k=v"},
            {"axis", true, true, "name=v1,v2,…: new values of an axis (labels to keep for a bundle axis)"},
            {"seeds", true, false, "comma-separated seeds"},
            {"datasets", true, false, "comma-separated dataset names to keep"},
            {"data", true, false, "one dataset instead of the plan's (registry name or file)"},
            {"out", true, false, "output folder"}};
}

void applyPlanOverrides(experiment::ExperimentPlan& plan, const Args& args) {
    for (const auto& pair : args.all("set")) {
        auto [key, value] = model::parseHyperparameterAssignment(pair, "option --set");
        for (const auto& a : plan.axes)
            for (const auto& v : a.values)
                if (v.set.contains(key)) throw Error("option --set " + key, "is set by axis '" + a.name + "' (change the axis with --axis)");
        plan.fixed[key] = std::move(value);
    }
    for (const auto& pair : args.all("axis")) {
        std::string value;
        const std::string name = splitKeyValue(pair, value, "option --axis");
        const int index = plan.axisIndex(name);
        if (index < 0) {
            std::string names;
            for (const auto& a : plan.axes) names += (names.empty() ? "" : ", ") + a.name;
            throw Error("option --axis " + name, "the plan has no such axis (axes: " + (names.empty() ? std::string("none") : names) + ")");
        }
        experiment::Axis& axis = plan.axes[static_cast<std::size_t>(index)];
        const auto items = splitList(value);
        if (items.empty()) throw Error("option --axis " + name, "give at least one value");
        std::vector<experiment::AxisValue> values;
        if (axis.keys.empty()) {
            for (const auto& label : items) {
                bool found = false;
                for (const auto& v : axis.values)
                    if (v.label == label) {
                        values.push_back(v);
                        found = true;
                    }
                if (!found) {
                    std::string labels;
                    for (const auto& v : axis.values) labels += (labels.empty() ? "" : ", ") + v.label;
                    throw Error("option --axis " + name, "no value labelled '" + label + "' (labels: " + labels + ")");
                }
            }
        } else {
            for (const auto& item : items) {
                experiment::AxisValue v;
                v.value = model::parseHyperparameterValue(item, "option --axis " + name);
                if (!(v.value.is_number() || v.value.is_string() || v.value.is_boolean())) throw Error("option --axis " + name, "'" + item + "' is not a scalar");
                v.label = experiment::formatAxisValue(v.value);
                v.set = json::object();
                for (const auto& k : axis.keys) v.set[k] = v.value;
                values.push_back(std::move(v));
            }
        }
        axis.values = std::move(values);
    }
    if (args.has("seeds")) {
        plan.seeds.values.clear();
        for (const auto& s : splitList(args.get("seeds"))) {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
            if (*end || s.empty() || s[0] == '-') throw Error("option --seeds", "expected non-negative integers, found '" + s + "'");
            plan.seeds.values.push_back(v);
        }
        if (plan.seeds.values.empty()) throw Error("option --seeds", "give at least one seed");
    }
    if (args.has("datasets")) {
        std::vector<experiment::DatasetSpec> kept;
        for (const auto& name : splitList(args.get("datasets"))) {
            bool found = false;
            for (const auto& d : plan.datasets)
                if (d.name == name) {
                    kept.push_back(d);
                    found = true;
                }
            if (!found) {
                std::string names;
                for (const auto& d : plan.datasets) names += (names.empty() ? "" : ", ") + d.name;
                throw Error("option --datasets", "the plan has no dataset '" + name + "' (datasets: " + names + ")");
            }
        }
        plan.datasets = std::move(kept);
    }
    if (args.has("data")) {
        std::string spec = args.get("data");
        const std::filesystem::path p(spec);
        if (std::filesystem::exists(p)) spec = std::filesystem::absolute(p).lexically_normal().string();   // the plan's folder is elsewhere
        experiment::DatasetSpec d;
        d.name = std::filesystem::exists(p) ? p.stem().string() : spec;
        d.source = {{"open", spec}};
        plan.datasets = {d};
    }
    if (args.has("out")) plan.output = args.get("out");
}

}  // namespace sd::cli
