#include "studies/ren/ren_study.h"

#include "core/analysis/svg_plot.h"
#include "core/common/error.h"
#include "core/systems/reaction_diffusion.h"
#include "studies/study_support.h"

#include <algorithm>
#include <cmath>

namespace sd::studies {

using nlohmann::json;
namespace ex = sd::experiment;

namespace {

json observerMetric(const ex::MetricContext& c) {
    const auto test = c.dataset.split("test");
    if (test.empty()) throw Error("metric '" + c.spec.name + "'", "dataset '" + c.dataset.name + "' has no test split");
    const auto* tr = test.front();
    const auto p = c.model.predict(*tr);
    // Free run of the PDE itself from ξ ≡ 0 with the same boundary input (the PDE is not contracting).
    const systems::ReactionDiffusion pde;
    const Eigen::VectorXd b = tr->u.row(0).transpose();
    const auto free = pde.simulate(Eigen::VectorXd::Zero(tr->x.rows()), b);
    const Eigen::Index K = tr->x.cols();
    Eigen::VectorXd obsErr(K), freeErr(K);
    for (Eigen::Index k = 0; k < K; ++k) {
        obsErr[k] = (p.x.col(k) - tr->x.col(k)).norm() / std::sqrt(double(tr->x.rows()));
        freeErr[k] = (free.x.col(k) - tr->x.col(k)).norm() / std::sqrt(double(tr->x.rows()));
    }
    auto at = [&](const Eigen::VectorXd& v, Eigen::Index k) { return jsonNumber(v[std::min(k, K - 1)]); };
    auto summary = [&](const Eigen::VectorXd& v) {
        return json{{"t0", at(v, 0)}, {"t100", at(v, 100)}, {"t500", at(v, 500)}, {"final", at(v, K - 1)},
                    {"mean_last_200", jsonNumber(v.tail(std::min<Eigen::Index>(200, K)).mean())}};
    };
    return {{"rms_error", {{"observer", summary(obsErr)}, {"free_run_pde", summary(freeErr)}}},
            {"score", jsonNumber(obsErr[K - 1])},
            {"score_kind", "final RMS state error"},
            {"split", "test"},
            {"diverged", p.diverged ? 1 : 0},
            {"observer_curve", std::vector<double>(obsErr.data(), obsErr.data() + K)},
            {"free_run_curve", std::vector<double>(freeErr.data(), freeErr.data() + K)}};
}

json observerReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    const json* r = t.groups().empty() ? nullptr : firstRecord(t, t.groups().front());
    if (!r || !(*r)["metrics"].contains("observer") || (*r)["metrics"]["observer"].contains("error"))
        throw Error("ren-observer report", "the observer cell has not finished (or failed)");
    const json& m = (*r)["metrics"]["observer"];
    json out = {{"study", "ren-observer"}, {"generator", t.plan().datasets.front().source}, {"seed", (*r)["seed"]},
                {"hyperparameters", (*r)["hyperparameters"]}, {"status", (*r)["training"].value("message", "")},
                {"final_train_loss", (*r)["training"].value("final_train_loss", json(nullptr))},
                {"train_seconds", (*r)["timings"].value("train_seconds", 0.0)}, {"certificate_verified", (*r)["certificate"].value("verified", false)},
                {"rms_error", m["rms_error"]}};
    const auto obs = m["observer_curve"].get<std::vector<double>>(), free = m["free_run_curve"].get<std::vector<double>>();
    const Eigen::Index K = static_cast<Eigen::Index>(obs.size());
    const Eigen::VectorXd time = Eigen::VectorXd::LinSpaced(K, 0, double(K) - 1);
    analysis::writeSvgLinePlot(in.reportDir / "observer_error.svg",
                               {{"C-REN observer from x̂₀ = 0", time, Eigen::Map<const Eigen::VectorXd>(obs.data(), K), "#1f77b4"},
                                {"PDE free run from ξ ≡ 0", time, Eigen::Map<const Eigen::VectorXd>(free.data(), K), "#d62728", true}},
                               {"Reaction–diffusion: RMS state error", "sample", "RMS error", true, 800, 450});
    out["plots"] = {(in.reportDir / "observer_error.svg").string()};
    return out;
}

json identificationReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    const auto& plan = t.plan();
    json rows = json::array();
    struct Point {
        std::string label;
        ex::SeedStatistic sensitivity, nrmse;   // mean ± std over the seeds (std NaN with one seed)
    };
    std::vector<Point> points;
    json firstPrediction;
    for (const auto& g : t.groups()) {
        const json* r = firstRecord(t, g);
        if (!r) continue;
        const std::string spec = axisLabel(t, g, "model");
        const json test = (*r)["metrics"].value("test", json::object());
        json perExperiment = json::array();
        for (const auto& tr : test.value("trajectories", json::array())) perExperiment.push_back(tr.value("nrmse", json(nullptr)));
        // With several seeds: the first seed's record in the row, mean ± std over the seeds beside it and in the plot.
        const ex::SeedStatistic nrmseStat = t.statistic(g, "test.score"), sensStat = t.statistic(g, "certificate.observed_sensitivity");
        const double nrmse = ex::metricValue(*r, "test.score"), sens = ex::metricValue(*r, "certificate.observed_sensitivity");
        json row = {{"model", spec},
                    {"status", (*r)["training"].value("message", r->value("error", std::string()))},
                    {"cell_status", r->value("status", "")},
                    {"final_train_loss", (*r)["training"].value("final_train_loss", json(nullptr))},
                    {"test_nrmse", jsonNumber(nrmse)},
                    {"test_nrmse_per_experiment", perExperiment},
                    {"observed_sensitivity", jsonNumber(sens)},
                    {"verified", (*r)["certificate"].value("verified", false)},
                    {"guarantee", (*r)["certificate"].value("guarantee", "")},
                    {"parameters", (*r)["metrics"].value("certificate", json::object()).value("parameter_count", 0)},
                    {"train_seconds", (*r)["timings"].value("train_seconds", 0.0)},
                    {"seed", (*r)["seed"]},
                    {"seeds_with_value", nrmseStat.n},
                    {"test_nrmse_mean", jsonNumber(nrmseStat.mean)},
                    {"test_nrmse_std", jsonNumber(nrmseStat.std)},
                    {"observed_sensitivity_mean", jsonNumber(sensStat.mean)},
                    {"observed_sensitivity_std", jsonNumber(sensStat.std)}};
        // γ of a Lipschitz model is its certificate's typed bound (recomputed), not a hyperparameter read back.
        const json& cert = (*r)["certificate"];
        if (cert.value("kind", "") == "lipschitz" && cert.contains("bound") && cert["bound"].is_number()) row["gamma"] = cert["bound"];
        rows.push_back(row);
        points.push_back({spec, sensStat, nrmseStat});
        if ((firstPrediction.is_null() || spec == "contracting") && (*r)["metrics"].contains("prediction") && !(*r)["metrics"]["prediction"].contains("error"))
            firstPrediction = json{{"model", spec}, {"data", (*r)["metrics"]["prediction"]}};
    }
    json out = {{"study", plan.name}, {"dataset", plan.datasets.front().name}, {"seeds", plan.seeds.values}, {"base_hyperparameters", plan.fixed}, {"results", rows}};
    // The paper's NRMSE-vs-sensitivity plot: the Lipschitz RENs as a line, every other model a point of its own;
    // with several seeds, bars of ± one standard deviation in both directions. Sensitivities span decades (an
    // RNN's reaches tens), so the x axis is logarithmic.
    analysis::PlotModel fig;
    fig.title = "NRMSE vs observed sensitivity (" + plan.datasets.front().name + ")";
    fig.x.label = "observed sensitivity γ̲";
    fig.x.log = true;
    fig.y.label = "test NRMSE";
    const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"};
    auto addPoint = [](analysis::PlotSeries& series, const Point& p) {
        series.x.push_back(p.sensitivity.mean);
        series.y.push_back(p.nrmse.mean);
        series.xError.push_back(p.sensitivity.std);
        series.yError.push_back(p.nrmse.std);
    };
    auto drawable = [](const Point& p) { return std::isfinite(p.sensitivity.mean) && p.sensitivity.mean > 0 && std::isfinite(p.nrmse.mean); };
    analysis::PlotSeries lipschitz;
    lipschitz.label = "Lipschitz RENs";
    lipschitz.color = colors[0];
    for (const auto& p : points)
        if (p.label.rfind("lipschitz:", 0) == 0 && drawable(p)) {
            addPoint(lipschitz, p);
            lipschitz.pointLabels.push_back("γ = " + p.label.substr(10));
        }
    if (!lipschitz.x.empty()) fig.series.push_back(lipschitz);
    int ci = 1;
    for (const auto& p : points) {
        if (p.label.rfind("lipschitz:", 0) == 0 || !drawable(p)) continue;
        analysis::PlotSeries one;
        one.label = p.label;
        one.color = colors[ci++ % 8];
        one.line = false;
        addPoint(one, p);
        fig.series.push_back(one);
    }
    for (auto& series : fig.series) series.dropAbsentErrorBars();   // no bars at all with a single seed
    json plots = json::array();
    if (!fig.series.empty()) {
        analysis::writeSvg(in.reportDir / "nrmse_vs_sensitivity.svg", fig, 800, 500);
        plots.push_back((in.reportDir / "nrmse_vs_sensitivity.svg").string());
    }
    if (firstPrediction.is_object()) {
        const json& d = firstPrediction["data"];
        std::vector<double> yt, yp;
        for (const auto& v : d["true"]) yt.push_back(v.is_number() ? v.get<double>() : NAN);
        for (const auto& v : d["predicted"]) yp.push_back(v.is_number() ? v.get<double>() : NAN);
        const Eigen::VectorXd time = Eigen::VectorXd::LinSpaced(Eigen::Index(yt.size()), 0, double(yt.size()) - 1);
        analysis::writeSvgLinePlot(in.reportDir / "prediction.svg",
                                   {{"measured", time, Eigen::Map<const Eigen::VectorXd>(yt.data(), Eigen::Index(yt.size())), "#000000"},
                                    {firstPrediction["model"].get<std::string>(), time, Eigen::Map<const Eigen::VectorXd>(yp.data(), Eigen::Index(yp.size())), "#d62728", true}},
                                   {"Test output 1, " + d.value("trajectory", std::string()), "sample", "y", false, 900, 400});
        plots.push_back((in.reportDir / "prediction.svg").string());
    }
    out["plots"] = plots;
    return out;
}

}  // namespace

void registerRenStudies(ex::Extensions& e) {
    e.addMetric({"observer_error", "REN observer vs a free run of the reaction–diffusion PDE on the first test trajectory", {}, observerMetric});
    e.addStudyReport("ren-identification", identificationReport);
    e.addStudyReport("ren-observer", observerReport);
}

}  // namespace sd::studies
