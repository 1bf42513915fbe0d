#include "studies/stable_opinf/opinf_study.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/pod.h"
#include "core/ode/input_signal.h"
#include "core/systems/quadratic_examples.h"
#include "core/systems/quadratic_system.h"
#include "studies/study_support.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace sd::studies {

using nlohmann::json;
namespace ex = sd::experiment;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double relativeError(const Eigen::MatrixXd& pred, const Eigen::MatrixXd& truth) {
    if (pred.rows() != truth.rows() || pred.cols() != truth.cols() || !pred.allFinite()) return kNaN;
    return (pred - truth).norm() / truth.norm();
}

/// The certified bound on ‖x̂(t)‖ for a prediction starting at x̂0 (norm x0Norm) under ‖u‖∞ ≤ U (NaN when the
/// model has no bounded-input bounded-state guarantee). For the quadratic Lyapunov form the bound uses
/// x0ᵀQx0 ≤ λmax(Q)‖x0‖² (slightly looser than the plugin's own check).
double certifiedBound(const model::Certificate& cert, double x0Norm, double U) {
    return cert.bibs ? cert.bibs->stateNormBound(x0Norm, U) : kNaN;
}

/// The largest real part of the certificate's eigenvalues (NaN without eigenvalues).
double maxRealEigenvalue(const model::Certificate& cert) {
    if (cert.eigenvalues.empty()) return kNaN;
    double m = -std::numeric_limits<double>::infinity();
    for (const auto& e : cert.eigenvalues) m = std::max(m, e.real());
    return m;
}

/// One test trajectory: relative error, divergence, max state norm, and the certified bound if any.
json evaluateTest(const model::Model& m, const data::Trajectory& tr, const model::Certificate& cert) {
    const model::Prediction p = m.predict(tr);
    json j = {{"trajectory", tr.id}, {"relative_error", jsonNumber(relativeError(p.x, tr.x))}, {"diverged", p.diverged}};
    double maxNorm = 0.0;
    for (Eigen::Index k = 0; k < p.x.cols(); ++k) maxNorm = p.x.col(k).allFinite() ? std::max(maxNorm, p.x.col(k).norm()) : kNaN;
    j["max_state_norm"] = jsonNumber(maxNorm);
    if (p.diverged) j["divergence_time"] = jsonNumber(p.divergenceTime);
    const double U = tr.u.size() ? tr.u.colwise().norm().maxCoeff() : 0.0;
    j["input_bound"] = U;
    const double bound = certifiedBound(cert, p.x.col(0).norm(), U);
    if (std::isfinite(bound)) {
        j["certified_state_bound"] = bound;
        j["within_certificate"] = !p.diverged && maxNorm <= bound * (1.0 + 1e-6);
    }
    return j;
}

json certifiedTestsMetric(const ex::MetricContext& c) {
    const std::string split = c.spec.params.value("split", "test");
    json tests = json::array(), errors = json::array();
    int diverged = 0, outside = 0;
    double sum = 0;
    int finite = 0;
    for (const auto* tr : c.dataset.split(split)) {
        const json t = evaluateTest(c.model, *tr, c.typedCertificate);
        tests.push_back(t);
        errors.push_back(t["relative_error"]);
        diverged += t["diverged"].get<bool>() ? 1 : 0;
        outside += t.contains("within_certificate") && !t["within_certificate"].get<bool>() ? 1 : 0;
        if (t["relative_error"].is_number()) {
            sum += t["relative_error"].get<double>();
            ++finite;
        }
    }
    if (tests.empty()) throw Error("metric '" + c.spec.name + "'", "dataset '" + c.dataset.name + "' has no trajectories in split '" + split + "'");
    const model::Certificate& cert = c.typedCertificate;
    json eig = json::array();
    for (const auto& e : cert.eigenvalues) eig.push_back({e.real(), e.imag()});
    json out = {{"tests", tests},
                {"relative_error_per_test", errors},
                {"score", diverged ? json(nullptr) : jsonNumber(finite ? sum / finite : kNaN)},
                {"score_kind", "relative error"},
                {"split", split},
                {"diverged", diverged},
                {"outside_certificate", outside},
                {"eigenvalues", eig},
                {"max_real_eigenvalue", jsonNumber(maxRealEigenvalue(cert))},
                {"guarantee", cert.guarantee},
                {"verified", cert.verified}};
    if (cert.bibs) {
        out["sigma_min_R"] = jsonNumber(cert.bibs->sigmaMinR);
        out["norm_B"] = cert.bibs->normB;
    }
    return out;
}

json podProjectionMetric(const ex::MetricContext& c) {
    const std::string where = "metric '" + c.spec.name + "'";
    // The rank: given, or the model's own POD rank (a sweep over pod_rank).
    const json rank = c.spec.params.contains("rank") ? c.spec.params["rank"] : c.model.hyperparameters().value("pod_rank", json(nullptr));
    if (!rank.is_number_integer() || rank.get<int>() < 1) throw Error(where + ".rank", "required: a positive integer (or a model with pod_rank ≥ 1)");
    data::PodOptions po;
    po.rank = rank.get<int>();
    const data::PodBasis pod = data::computePod(c.dataset.split(c.plan.training.trainSplit, true), po);
    json projection = json::array();
    for (const auto* tr : c.dataset.split(c.spec.params.value("split", "test"))) projection.push_back(relativeError(pod.lift(pod.project(tr->x)), tr->x));
    return {{"rank", po.rank}, {"energy_squared", pod.energySquared[po.rank - 1]}, {"energy_plain", pod.energyPlain[po.rank - 1]},
            {"projection_error_per_test", projection}};
}

void squareWaveTests(data::Dataset& ds, const json& p, const std::string& where) {
    const std::string preset = p.value("preset", "");
    if (preset.empty()) throw Error(where + ".preset", "required: the quadratic example (example1, example2)");
    if (!p.contains("amplitudes") || !p["amplitudes"].is_array()) throw Error(where + ".amplitudes", "required: a list of numbers");
    if (ds.trajectories.empty()) throw Error(where, "dataset '" + ds.name + "' has no trajectories");
    const systems::QuadraticSystem truth = systems::quadraticExample(preset);
    const Eigen::VectorXd times = ds.trajectories.front().t;
    for (const auto& av : p["amplitudes"]) {
        if (!av.is_number()) throw Error(where + ".amplitudes", "expected numbers");
        const double a = av.get<double>();
        const auto u = ode::InputSignal::fromFunction(1, [a](double t) { return Eigen::VectorXd::Constant(1, a * (std::sin(0.5 * t) >= 0.0 ? 1.0 : -1.0)); });
        data::Trajectory tr = systems::simulateQuadratic(truth, Eigen::VectorXd::Zero(truth.stateDim()), u, times, 1e-10, 1e-12, false,
                                                         "opinf-quadratic test");
        std::ostringstream id;
        id << "test square a=" << a;
        tr.id = id.str();
        ds.splits["test"].push_back(static_cast<int>(ds.trajectories.size()));
        ds.trajectories.push_back(std::move(tr));
    }
}

// ---- reports -------------------------------------------------------------------------------------------

json modelEntry(const json& r, const std::string& metric) {
    const json m = r["metrics"].value(metric, json::object());
    json e = {{"eigenvalues", m.value("eigenvalues", json::array())}, {"max_real_eigenvalue", m.value("max_real_eigenvalue", json(nullptr))},
              {"train_seconds", r["timings"].value("train_seconds", 0.0)}, {"final_train_loss", r["training"].value("final_train_loss", json(nullptr))},
              {"guarantee", m.value("guarantee", "")}, {"verified", m.value("verified", false)}, {"tests", m.value("tests", json::array())},
              {"status", r.value("status", "")}, {"cell", r.value("id", "")}};
    if (m.contains("sigma_min_R")) {
        e["sigma_min_R"] = m["sigma_min_R"];
        e["norm_B"] = m["norm_B"];
    }
    if (r.contains("error")) e["error"] = r["error"];
    return e;
}

json quadraticReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    const auto& plan = t.plan();
    json presets = json::array();
    std::ostringstream md;
    md << "# Low-dimensional quadratic systems: least-squares vs stable OpInf\n\nRelative error ‖X − X̂‖_F/‖X‖_F per test input; "
          "in brackets the largest predicted state norm and the certified radius for that input's ‖u‖∞.\n\n";
    for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
        json entry = {{"preset", datasetParam(plan, static_cast<int>(d), "preset")}, {"dataset", plan.datasets[d].name},
                      {"samples_per_trajectory", datasetParam(plan, static_cast<int>(d), "samples")}, {"models", json::object()}};
        bool header = false;
        for (const auto& g : t.groups()) {
            if (g.dataset != static_cast<int>(d)) continue;
            const json* r = firstRecord(t, g);
            if (!r) continue;
            const std::string name = axisLabel(t, g, "model");
            entry["models"][name] = modelEntry(*r, "tests");
            const json& tests = entry["models"][name]["tests"];
            if (!header) {
                md << "## " << plan.datasets[d].name << "\n\n| model | max Re λ(A) |";
                for (const auto& tt : tests) md << " " << tt.value("trajectory", "") << " |";
                md << " certified |\n|---|---|";
                for (std::size_t k = 0; k < tests.size(); ++k) md << "---|";
                md << "---|\n";
                header = true;
            }
            char buf[64];
            const json& eig = entry["models"][name]["max_real_eigenvalue"];
            std::snprintf(buf, sizeof buf, "%.4g", eig.is_number() ? eig.get<double>() : kNaN);
            md << "| " << name << " | " << buf << " |";
            bool allInside = true;
            for (const auto& tt : tests) {
                if (tt["diverged"].get<bool>()) md << " **diverged**";
                else {
                    std::snprintf(buf, sizeof buf, " %.3g", tt["relative_error"].is_number() ? tt["relative_error"].get<double>() : kNaN);
                    md << buf;
                }
                if (tt.contains("certified_state_bound")) {
                    std::snprintf(buf, sizeof buf, " (%.3g ≤ %.3g)", tt["max_state_norm"].is_number() ? tt["max_state_norm"].get<double>() : kNaN,
                                  tt["certified_state_bound"].get<double>());
                    md << buf;
                    allInside = allInside && tt["within_certificate"].get<bool>();
                }
                md << " |";
            }
            md << " " << (entry["models"][name]["verified"].get<bool>() ? (allInside ? "yes, all inside" : "yes, NOT all inside") : "no guarantee") << " |\n";
        }
        md << "\n";
        presets.push_back(entry);
    }
    writeFileAtomic(in.reportDir / "opinf_quadratic.md", md.str());
    return {{"study", "opinf-quadratic"}, {"seeds", plan.seeds.values}, {"presets", presets}, {"table", (in.reportDir / "opinf_quadratic.md").string()}};
}

json burgersReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    json models = json::object(), projection;
    std::ostringstream md;
    md << "# Controlled Burgers: least-squares vs stable OpInf\n\n| model | mean relative error | per test input | diverged | max Re λ(A) | certificate |\n|---|---|---|---|---|---|\n";
    for (const auto& g : t.groups()) {
        const json* r = firstRecord(t, g);
        if (!r) continue;
        const std::string name = axisLabel(t, g, "model");
        json e = modelEntry(*r, "tests");
        const json m = (*r)["metrics"].value("tests", json::object());
        e["hyperparameters"] = (*r)["hyperparameters"];
        e["relative_error_per_test"] = m.value("relative_error_per_test", json::array());
        e["mean_relative_error"] = m.value("score", json(nullptr));
        e["diverged_tests"] = m.value("diverged", 0);
        models[name] = e;
        if (projection.is_null() && (*r)["metrics"].contains("pod")) projection = (*r)["metrics"]["pod"];
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.4f", e["mean_relative_error"].is_number() ? e["mean_relative_error"].get<double>() : kNaN);
        md << "| " << name << " | " << buf << " |";
        for (const auto& v : e["relative_error_per_test"]) {
            std::snprintf(buf, sizeof buf, " %.4f", v.is_number() ? v.get<double>() : kNaN);
            md << buf;
        }
        std::snprintf(buf, sizeof buf, "%.3f", e["max_real_eigenvalue"].is_number() ? e["max_real_eigenvalue"].get<double>() : kNaN);
        md << " | " << e["diverged_tests"].get<int>() << " / " << e["tests"].size() << " | " << buf << " | "
           << (e["verified"].get<bool>() ? "verified; " + std::to_string(e["tests"].size() - m.value("outside_certificate", 0)) + " of " +
                                                std::to_string(e["tests"].size()) + " test simulations inside the radius"
                                          : std::string("none"))
           << " |\n";
    }
    writeFileAtomic(in.reportDir / "opinf_burgers.md", md.str());
    json out = {{"study", "opinf-burgers"}, {"seeds", t.plan().seeds.values}, {"data", t.plan().datasets.front().source}, {"models", models},
                {"table", (in.reportDir / "opinf_burgers.md").string()}};
    if (!projection.is_null()) {
        out["rank"] = projection["rank"];
        out["pod_energy_squared"] = projection["energy_squared"];
        out["pod_energy_plain"] = projection["energy_plain"];
        out["projection_error_per_test"] = projection["projection_error_per_test"];
    }
    return out;
}

// The (r, λ) grid in the JSON form of the former `stabledyn study opinf-sweep`.
json lambdaRankReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    const auto& plan = t.plan();
    const int ra = plan.axisIndex("pod_rank"), la = plan.axisIndex("lambda");
    if (ra < 0 || la < 0) throw Error(plan.source, "the opinf-lambda-rank report needs axes 'pod_rank' and 'lambda'");
    const auto& ranks = plan.axes[static_cast<std::size_t>(ra)];
    const auto& lambdas = plan.axes[static_cast<std::size_t>(la)];
    const std::string metric = t.headlineMetric();
    json error = json::array(), stable = json::array(), eig = json::array(), residual = json::array(), rankValues = json::array(),
         lambdaValues = json::array();
    for (const auto& v : ranks.values) rankValues.push_back(v.value);
    for (const auto& v : lambdas.values) lambdaValues.push_back(v.value);
    json best = nullptr;
    double bestErr = std::numeric_limits<double>::infinity();
    double seconds = 0;
    for (std::size_t i = 0; i < ranks.values.size(); ++i) {
        json eRow = json::array(), sRow = json::array(), gRow = json::array(), rRow = json::array();
        for (std::size_t j = 0; j < lambdas.values.size(); ++j) {
            const ex::CellGroup* g = nullptr;
            for (const auto& grp : t.groups())
                if (grp.dataset == 0 && grp.coords[static_cast<std::size_t>(ra)] == static_cast<int>(i) && grp.coords[static_cast<std::size_t>(la)] == static_cast<int>(j)) g = &grp;
            const json* r = g ? firstRecord(t, *g) : nullptr;
            const double e = r ? ex::metricValue(*r, metric) : kNaN;
            eRow.push_back(jsonNumber(e));
            sRow.push_back(std::isfinite(e));
            gRow.push_back(r ? jsonNumber(ex::metricValue(*r, "spectrum.spectral_abscissa")) : json(nullptr));
            rRow.push_back(r ? jsonNumber(ex::metricValue(*r, "training.final_train_loss")) : json(nullptr));
            if (r) seconds += ex::metricValue(*r, "timings.total_seconds");
            if (std::isfinite(e) && e < bestErr) {
                bestErr = e;
                best = {{"rank", ranks.values[i].value}, {"lambda", lambdas.values[j].value}, {"error", e}};
            }
        }
        error.push_back(eRow);
        stable.push_back(sRow);
        eig.push_back(gRow);
        residual.push_back(rRow);
    }
    // Retained POD energy per rank, recorded by the cells' pod_projection metric.
    json energy = json::array();
    for (std::size_t i = 0; i < ranks.values.size(); ++i) {
        json e = nullptr;
        for (const auto& grp : t.groups())
            if (const json* r = firstRecord(t, grp); r && grp.coords[static_cast<std::size_t>(ra)] == static_cast<int>(i) && e.is_null())
                e = jsonNumber(ex::metricValue(*r, "pod.energy_squared"));
        energy.push_back(e);
    }
    const json doc = {{"kind", "opinf-lambda-rank-sweep"},
                      {"variant", plan.fixed.value("variant", "least-squares")},
                      {"dataset", plan.datasets.front().name},
                      {"train_split", plan.training.trainSplit},
                      {"ranks", rankValues},
                      {"lambdas", lambdaValues},
                      {"lambda_meaning", plan.fixed.value("variant", "least-squares") == "stable" ? "λ_H of the L1 penalty mean|H|" : "Tikhonov weight λ on every operator (Γ = λI)"},
                      {"error", error},
                      {"stable", stable},
                      {"max_real_eigenvalue", eig},
                      {"train_residual", residual},
                      {"energy", energy},
                      {"best", best},
                      {"error_measure", "mean over validation trajectories of ‖X − V_r X̂‖_F / ‖X‖_F"},
                      {"stability_rule", "unstable (null error) if a validation simulation diverges or its state norm exceeds margin × the largest state norm of that validation trajectory"},
                      {"seconds", seconds}};
    writeFileAtomic(in.reportDir / "lambda_rank_sweep.json", doc.dump(2) + "\n");
    return doc;
}

}  // namespace

void registerOpinfStudies(ex::Extensions& e) {
    e.addTransform({"quadratic_square_wave_tests", "square-wave test inputs simulated from the true quadratic system", {"preset", "amplitudes"}, squareWaveTests});
    e.addMetric({"opinf_certified_tests", "relative error per test input and the certified BIBO radius", {"split"}, certifiedTestsMetric});
    e.addMetric({"pod_projection", "POD projection error of the test data and retained energy (rank: given, else the model's pod_rank)", {"rank", "split"}, podProjectionMetric});
    e.addStudyReport("opinf-quadratic", quadraticReport);
    e.addStudyReport("opinf-burgers", burgersReport);
    e.addStudyReport("opinf-lambda-rank", lambdaRankReport);
}

}  // namespace sd::studies
