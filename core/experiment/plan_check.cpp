#include "core/experiment/plan_check.h"

#include "core/common/error.h"
#include "core/model/hyperparameters.h"

#include <map>

namespace sd::experiment {

using nlohmann::json;

namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

void checkParams(const json& params, const std::vector<std::string>& allowed, const std::string& where, const std::string& what) {
    for (const auto& [k, v] : params.items()) {
        if (k == "name" || k == "kind" || k == "comment") continue;
        bool ok = false;
        for (const auto& a : allowed) ok = ok || a == k;
        if (!ok) throw Error(where + "." + k, "unknown parameter of " + what + " (accepted: " + joined(allowed) + ")");
    }
}

}  // namespace

std::vector<Cell> checkPlan(const ExperimentPlan& plan, const model::PluginHost& host, const Extensions& extensions) {
    const std::string& w = plan.source;
    const model::LoadedPlugin* plugin = host.find(plan.plugin);
    if (!plugin) {
        std::vector<std::string> ids;
        for (const auto& p : host.plugins()) ids.push_back(p.id());
        throw Error(w + ".plugin", "'" + plan.plugin + "' is not a loaded plugin (loaded: " + joined(ids) + ")");
    }
    const json schema = plugin->plugin->hyperparameterSchema();
    std::vector<std::string> known;
    for (const auto& p : schema.value("params", json::array())) known.push_back(p.value("key", ""));
    auto checkKey = [&](const std::string& key, const std::string& where) {
        if (!model::findHyperparameter(schema, key))
            throw Error(where, "'" + key + "' is not a hyperparameter of plugin '" + plan.plugin + "' (known: " + joined(known) + ")");
    };
    for (const auto& [k, v] : plan.fixed.items()) checkKey(k, w + ".fixed." + k);
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        for (std::size_t i = 0; i < plan.axes[a].values.size(); ++i)
            for (const auto& [k, v] : plan.axes[a].values[i].set.items())
                checkKey(k, w + ".axes[" + std::to_string(a) + "]" + (plan.axes[a].keys.empty() ? ".values[" + std::to_string(i) + "].set" : ".key"));
    for (const auto& k : plan.seeds.alsoSet) checkKey(k, w + ".seeds.also_set");

    for (std::size_t i = 0; i < plan.metrics.size(); ++i) {
        const std::string mw = w + ".metrics[" + std::to_string(i) + "]";
        const MetricKind* kind = extensions.metric(plan.metrics[i].kind);
        if (!kind) throw Error(mw + ".kind", "unknown metric kind '" + plan.metrics[i].kind + "' (known: " + joined(extensions.metricKinds()) + ")");
        checkParams(plan.metrics[i].params, kind->params, mw, "metric kind '" + kind->kind + "'");
    }
    for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
        const json& s = plan.datasets[d].source;
        if (!s.contains("transforms")) continue;
        for (std::size_t i = 0; i < s["transforms"].size(); ++i) {
            const std::string tw = w + ".datasets[" + std::to_string(d) + "].transforms[" + std::to_string(i) + "]";
            const json& t = s["transforms"][i];
            const TransformKind* kind = extensions.transform(t.value("kind", ""));
            if (!kind) throw Error(tw + ".kind", "unknown transform '" + t.value("kind", "") + "' (known: " + joined(extensions.transformKinds()) + ")");
            checkParams(t, kind->params, tw, "transform '" + kind->kind + "'");
        }
    }
    if (!plan.report.study.empty() && !extensions.studyReport(plan.report.study))
        throw Error(w + ".report.study", "unknown study report '" + plan.report.study + "' (known: " + joined(extensions.studyReports()) + ")");

    std::vector<Cell> cells = enumerateCells(plan);
    std::map<std::string, int> ids;
    for (auto& c : cells) {
        try {
            c.validated = model::validateHyperparameters(schema, c.hyper);
        } catch (const Error& e) {
            throw Error(w + ": cell " + std::to_string(c.index) + " (" + c.describe(plan) + ")", e.what());
        }
        const auto [it, inserted] = ids.emplace(c.id, c.index);
        if (!inserted)
            throw Error(w + ": cell " + std::to_string(c.index) + " (" + c.describe(plan) + ")",
                        "has the same configuration as cell " + std::to_string(it->second) + " (two axis values set the same hyperparameters)");
    }
    return cells;
}

}  // namespace sd::experiment
