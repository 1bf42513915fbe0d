#include "app/studio/sweep_plan.h"

#include "core/common/error.h"
#include "core/data/csv.h"

#include <QRegularExpression>
#include <cmath>
#include <set>
#include <sstream>

namespace sd::studio {

using nlohmann::json;

std::vector<SweepableParameter> sweepableParameters(const json& schema) {
    std::vector<SweepableParameter> out;
    if (!schema.contains("params") || !schema["params"].is_array()) return out;
    for (const auto& p : schema["params"]) {
        const std::string type = p.value("type", "");
        if (type != "int" && type != "number") continue;
        SweepableParameter s;
        s.key = p.value("key", "");
        s.label = QString::fromStdString(p.value("label", s.key));
        s.integer = type == "int";
        s.log = p.value("log", false);
        s.defaultValue = p.value("default", json());
        out.push_back(s);
    }
    return out;
}

std::vector<double> parseSweepValues(const QString& text, bool integer, const std::string& what) {
    std::vector<double> values;
    for (const QString& token : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = token.toDouble(&ok);
        if (!ok || !std::isfinite(v)) throw Error(what, "'" + token.toStdString() + "' is not a number");
        if (integer && v != std::round(v)) throw Error(what, "'" + token.toStdString() + "' is not an integer");
        values.push_back(v);
    }
    if (values.empty()) throw Error(what, "give at least one value (e.g. \"1e-3, 1e-2, 1e-1\")");
    return values;
}

std::vector<std::uint64_t> parseSweepSeeds(const QString& text) {
    std::vector<std::uint64_t> seeds;
    std::set<std::uint64_t> seen;
    for (const QString& token : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qulonglong v = token.toULongLong(&ok);
        if (!ok) throw Error("seeds", "'" + token.toStdString() + "' is not a non-negative integer");
        if (!seen.insert(v).second) throw Error("seeds", "seed " + token.toStdString() + " appears twice");
        seeds.push_back(v);
    }
    if (seeds.empty()) throw Error("seeds", "give at least one seed (e.g. \"0\" or \"0, 1, 2\")");
    return seeds;
}

namespace {

experiment::Axis planAxis(const SweepAxis& s) {
    experiment::Axis a;
    a.name = s.key;
    a.keys = {s.key};
    a.log = s.log;
    std::set<double> seen;
    for (double v : s.values) {
        if (!seen.insert(v).second) throw Error(s.key, "value " + experiment::formatAxisValue(v) + " appears twice");
        experiment::AxisValue av;
        av.value = s.integer ? json(static_cast<long long>(std::llround(v))) : json(v);
        av.label = experiment::formatAxisValue(av.value);
        av.set = {{s.key, av.value}};
        a.values.push_back(std::move(av));
    }
    return a;
}

std::string csvNumber(double v) {
    if (!std::isfinite(v)) return "";
    std::ostringstream out;
    out.precision(17);   // reads back bit-exact
    out << v;
    return out.str();
}

}  // namespace

experiment::ExperimentPlan sweepPlan(const SweepRequest& r) {
    if (r.b && r.b->key == r.a.key) throw Error("sweep", "choose two different parameters");
    experiment::ExperimentPlan plan;
    plan.name = "sweep-" + r.pluginId;
    plan.source = "sweep";
    plan.plugin = r.pluginId;
    plan.fixed = r.baseHyper.is_object() ? r.baseHyper : json::object();
    plan.fixed.erase(r.a.key);
    if (r.b) plan.fixed.erase(r.b->key);
    experiment::DatasetSpec d;
    d.name = r.dataset ? r.dataset->name : "data";
    if (d.name.empty()) d.name = "data";
    d.inMemory = r.dataset;
    d.source = {{"in_memory", true}, {"sha256", r.dataset ? r.dataset->sha256 : std::string()}};
    plan.datasets = {d};
    plan.axes.push_back(planAxis(r.a));
    if (r.b) plan.axes.push_back(planAxis(*r.b));
    plan.seeds.values = r.seeds;
    plan.training.trainSplit = r.trainSplit;
    plan.training.validationSplit = r.validationSplit;
    experiment::MetricSpec score;
    score.name = "score";
    score.kind = "evaluate";
    score.params = {{"name", "score"}, {"kind", "evaluate"}, {"split", "auto"}, {"per_trajectory", false}};
    plan.metrics = {score};
    plan.report.metric = "score.score";
    return plan;
}

std::string sweepCsv(const experiment::ResultTable& table) {
    const experiment::ExperimentPlan& plan = table.plan();
    std::ostringstream out;
    for (const auto& a : plan.axes) out << data::csvField(a.name) << ',';
    out << "seed,status,score,score_kind,split,verified,observed_sensitivity,error\n";
    for (const auto& c : table.cells()) {
        const json* r = table.record(c.index);
        if (!r) continue;
        for (std::size_t a = 0; a < plan.axes.size(); ++a) {
            const auto& v = plan.axes[a].values[static_cast<std::size_t>(c.coords[a])];
            out << (v.value.is_number() ? csvNumber(v.value.get<double>()) : data::csvField(v.label)) << ',';
        }
        const json score = r->contains("metrics") ? (*r)["metrics"].value("score", json::object()) : json::object();
        out << c.seed << ',' << r->value("status", "") << ',' << csvNumber(table.value(c.index, "score.score")) << ','
            << data::csvField(score.value("score_kind", "")) << ',' << data::csvField(score.value("split", "")) << ','
            << (table.value(c.index, "certificate.verified") == 1.0 ? "true" : "false") << ','
            << csvNumber(table.value(c.index, "certificate.observed_sensitivity")) << ',' << data::csvField(r->value("error", "")) << '\n';
    }
    return out.str();
}

}  // namespace sd::studio
