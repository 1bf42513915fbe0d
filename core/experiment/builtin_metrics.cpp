#include "core/common/json_number.h"
#include "core/experiment/builtin_metrics.h"

#include "core/common/error.h"
#include "core/experiment/certificate_summary.h"
#include "core/model/evaluation.h"

#include <cmath>

namespace sd::experiment {

using nlohmann::json;

namespace {


std::string splitParam(const MetricContext& c) {
    const std::string s = c.spec.params.value("split", "auto");
    return s == "auto" ? autoScoreSplit(c.dataset, c.plan.training.validationSplit, c.plan.training.trainSplit) : s;
}

long long intParam(const json& p, const char* key, long long fallback, long long min, const std::string& where) {
    if (!p.contains(key)) return fallback;
    if (!p[key].is_number_integer() || p[key].get<long long>() < min)
        throw Error(where + "." + key, "expected an integer ≥ " + std::to_string(min) + ", found " + p[key].dump());
    return p[key].get<long long>();
}

json evaluateMetric(const MetricContext& c) {
    const std::string where = "metric '" + c.spec.name + "'";
    const std::string split = splitParam(c);
    const Eigen::Index washout = intParam(c.spec.params, "washout", 0, 0, where);
    double margin = std::nan("");
    if (c.spec.params.contains("state_norm_margin")) {
        const json& m = c.spec.params["state_norm_margin"];
        if (!m.is_number() || !(m.get<double>() > 0)) throw Error(where + ".state_norm_margin", "expected a positive number");
        margin = m.get<double>();
    }
    const model::EvaluationReport report = model::evaluate(c.model, c.dataset, split, washout);
    bool outputs = false;
    int diverged = report.divergedCount;
    json trajectories = json::array();
    const auto trs = c.dataset.split(split, true);
    for (std::size_t i = 0; i < report.trajectories.size(); ++i) {
        const auto& t = report.trajectories[i];
        outputs = outputs || t.kind == "outputs" || std::isfinite(t.nrmse);
        json tj = {{"id", t.id}, {"kind", t.kind}, {"relative_error", jsonNumber(t.relativeError)}, {"nrmse", jsonNumber(t.nrmse)}, {"mse", jsonNumber(t.mse)},
                   {"diverged", t.diverged}};
        if (t.diverged) tj["divergence_time"] = jsonNumber(t.divergenceTime);
        if (t.stalled) {
            tj["stalled"] = true;
            tj["stall_time"] = jsonNumber(t.stallTime);
        }
        // The bounded-prediction rule: the prediction must stay within margin × the data's largest state norm.
        if (std::isfinite(margin) && t.kind == "states" && !t.diverged && !t.stalled && i < trs.size()) {
            const data::Trajectory& tr = *trs[i];
            const model::Prediction p = c.model.predict(tr);
            const double limit = margin * tr.x.colwise().norm().maxCoeff();
            const double peak = p.x.allFinite() ? p.x.colwise().norm().maxCoeff() : std::numeric_limits<double>::infinity();
            tj["max_state_norm"] = jsonNumber(peak);
            if (!(peak <= limit)) {
                tj["exceeds_margin"] = true;
                ++diverged;
            }
        }
        trajectories.push_back(std::move(tj));
    }
    const double mean = outputs ? report.meanNrmse : report.meanRelativeError;
    json out = {{"split", split.empty() ? "all" : split},
                // An incomplete prediction (diverged or stalled) leaves the score undefined.
                {"score", diverged > 0 || report.stalledCount > 0 ? json(nullptr) : jsonNumber(mean)},
                {"score_kind", outputs ? "NRMSE" : "relative error"},
                {"mean_relative_error", jsonNumber(report.meanRelativeError)},
                {"mean_nrmse", jsonNumber(report.meanNrmse)},
                {"diverged", diverged},
                {"stalled", report.stalledCount}};
    if (c.spec.params.value("per_trajectory", true)) out["trajectories"] = trajectories;
    return out;
}

json certificateMetric(const MetricContext& c) {
    // The typed fields first (core/model/certificate.h), then the plugin's own numbers that were asked for.
    json out = toJson(summarizeCertificate(c.typedCertificate));
    if (c.spec.params.contains("fields")) {
        const json& fields = c.spec.params["fields"];
        if (!fields.is_array()) throw Error("metric '" + c.spec.name + "'.fields", "expected a list of certificate field names");
        for (const auto& f : fields) {
            if (!f.is_string()) throw Error("metric '" + c.spec.name + "'.fields", "expected strings");
            const std::string k = f.get<std::string>();
            if (!out.contains(k)) out[k] = c.certificate.is_object() && c.certificate.contains(k) ? c.certificate[k] : json(nullptr);
        }
        return out;
    }
    if (c.certificate.is_object())
        for (const auto& [k, v] : c.certificate.items())
            if ((v.is_number() || v.is_string() || v.is_boolean()) && !out.contains(k)) out[k] = v;
    return out;
}

json predictionSampleMetric(const MetricContext& c) {
    const std::string where = "metric '" + c.spec.name + "'";
    const std::string split = splitParam(c);
    const auto trs = c.dataset.split(split, true);
    const long long index = intParam(c.spec.params, "trajectory", 0, 0, where);
    const long long channel = intParam(c.spec.params, "channel", 0, 0, where);
    const long long samples = intParam(c.spec.params, "samples", 1000, 1, where);
    if (index >= static_cast<long long>(trs.size())) throw Error(where + ".trajectory", "split '" + split + "' has " + std::to_string(trs.size()) + " trajectories");
    const data::Trajectory& tr = *trs[static_cast<std::size_t>(index)];
    const model::Prediction p = c.model.predict(tr);
    const bool useOutputs = tr.y.rows() > 0 && p.y.rows() == tr.y.rows();
    const Eigen::MatrixXd& truth = useOutputs ? tr.y : tr.x;
    const Eigen::MatrixXd& pred = useOutputs ? p.y : p.x;
    if (channel >= truth.rows() || pred.rows() != truth.rows()) throw Error(where + ".channel", "the trajectory has " + std::to_string(truth.rows()) + " channels");
    const Eigen::Index n = std::min<Eigen::Index>(samples, truth.cols());
    json t = json::array(), q = json::array();
    for (Eigen::Index k = 0; k < n; ++k) {
        t.push_back(jsonNumber(truth(channel, k)));
        q.push_back(k < pred.cols() ? jsonNumber(pred(channel, k)) : json(nullptr));
    }
    return {{"trajectory", tr.id}, {"signal", useOutputs ? "output" : "state"}, {"channel", channel}, {"true", t}, {"predicted", q},
            {"diverged", p.diverged ? 1 : 0}, {"stalled", p.stalled ? 1 : 0}};
}

void truncateTransform(data::Dataset& ds, const json& p, const std::string& where) {
    if (!p.contains("samples") || !p["samples"].is_number_integer() || p["samples"].get<long long>() < 1)
        throw Error(where + ".samples", "required: a positive integer");
    const std::string split = p.value("split", "");
    if (!split.empty() && !ds.hasSplit(split)) throw Error(where + ".split", "dataset '" + ds.name + "' has no split '" + split + "'");
    const Eigen::Index samples = p["samples"].get<Eigen::Index>();
    std::vector<int> indices;
    if (split.empty())
        for (int i = 0; i < static_cast<int>(ds.trajectories.size()); ++i) indices.push_back(i);
    else
        indices = ds.splits.at(split);
    for (int i : indices) {
        auto& tr = ds.trajectories[static_cast<std::size_t>(i)];
        const Eigen::Index k = std::min<Eigen::Index>(samples, tr.t.size());
        tr.t.conservativeResize(k);
        if (tr.u.cols()) tr.u.conservativeResize(Eigen::NoChange, k);
        if (tr.y.cols()) tr.y.conservativeResize(Eigen::NoChange, k);
        if (tr.x.cols()) tr.x.conservativeResize(Eigen::NoChange, k);
        if (tr.dxdt.cols()) tr.dxdt.conservativeResize(Eigen::NoChange, k);
    }
}

}  // namespace

std::string autoScoreSplit(const data::Dataset& ds, const std::string& validation, const std::string& train) {
    for (const std::string& s : {validation, std::string("test"), train})
        if (!s.empty() && ds.hasSplit(s)) return s;
    return {};
}

std::vector<MetricKind> builtinMetricKinds() {
    return {{"evaluate", "scores on a split (NRMSE or relative error; diverged trajectories)", {"split", "washout", "state_norm_margin", "per_trajectory"}, evaluateMetric},
            {"certificate", "fields of the model's certificate", {"fields"}, certificateMetric},
            {"prediction_sample", "predicted and true signal of one trajectory", {"split", "trajectory", "channel", "samples"}, predictionSampleMetric}};
}

std::vector<TransformKind> builtinTransformKinds() {
    return {{"truncate", "keep the first samples of every trajectory of a split", {"split", "samples"}, truncateTransform}};
}

}  // namespace sd::experiment
