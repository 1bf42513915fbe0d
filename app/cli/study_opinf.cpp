// `stabledyn study opinf-quadratic | opinf-burgers | opinf-sweep` — the studies of the stable-opinf
// plugin (issue 6; docs/methods/stable-opinf.md, docs/methods/systems.md §3–§4), run through the plugin
// contract only (create/train/predict/certificate). JSON results on stdout, progress on stderr.
//
//   opinf-quadratic  Examples I/II stand-ins: plain OpInf (least-squares) vs stable-OpInf trained from two
//                    sum-of-sines inputs; tested on a step, the example's square wave and higher-amplitude square
//                    waves; reports relative errors, divergence, and each stable prediction against its
//                    certified bound.
//   opinf-burgers    controlled viscous Burgers, POD rank r (9), many random training and test inputs; the
//                    relative error ‖X − V X̂‖_F/‖X‖_F per test input for both variants (paper Fig. 4 measure).
//   opinf-sweep      validation error over a (λ, r) grid, masked where unstable; the JSON format of
//                    plugins/stable-opinf/lambda_rank_sweep.h (what the studio's heat map reads).
#include "cli_context.h"
#include "core/common/error.h"
#include "core/data/pod.h"
#include "core/model/hyperparameters.h"
#include "core/systems/generator_registry.h"
#include "core/systems/quadratic_examples.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

namespace sd::cli {

using nlohmann::json;

namespace {

constexpr const char* kPlugin = "stable-opinf";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> parseList(const std::string& text, const std::string& option) {
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            std::size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw Error("option --" + option, "expected comma-separated numbers, found '" + item + "'");
        }
    }
    if (out.empty()) throw Error("option --" + option, "expected at least one number");
    return out;
}

struct Trained {
    std::unique_ptr<model::Model> model;
    model::TrainSummary summary;
    double seconds = 0.0;
};

Trained trainModel(const model::LoadedPlugin& plugin, const json& hyper, const data::Dataset& ds, std::uint64_t seed,
                   const std::string& label, bool quiet) {
    Trained t;
    t.model = plugin.plugin->create(model::validateHyperparameters(plugin.plugin->hyperparameterSchema(), hyper),
                                    data::DatasetInfo::of(ds));
    std::atomic<bool> cancel{false};
    model::TrainRequest req;
    req.seed = seed;
    req.validationSplit = "";
    const auto start = std::chrono::steady_clock::now();
    t.summary = t.model->train(ds, req, [&](const model::TrainEvent& e) {
        if (quiet || (e.epoch % 2000 != 0 && e.epoch != e.totalEpochs)) return;
        char line[200];
        std::snprintf(line, sizeof line, "  %s: epoch %d/%d loss %.4g (%.1f s)", label.c_str(), e.epoch, e.totalEpochs, e.trainLoss,
                      e.elapsedSeconds);
        std::cerr << line << std::endl;
    }, cancel);
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) std::cerr << "  " << label << ": " << t.summary.message << " (" << t.seconds << " s)" << std::endl;
    return t;
}

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

json eigenSummary(const model::Certificate& cert) {
    json eig = json::array();
    for (const auto& e : cert.eigenvalues) eig.push_back({e.real(), e.imag()});
    return {{"eigenvalues", eig}, {"max_real_eigenvalue", jsonNumber(maxRealEigenvalue(cert))}};
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

double mean(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

// ---- opinf-quadratic ---------------------------------------------------------------------------------

int runQuadratic(int argc, char** argv) {
    const Args args(argc, argv, 3,
                    {{"presets", true, false, "example1,example2"}, {"seed", true, false, ""}, {"epochs", true, false, ""},
                     {"samples", true, false, ""}, {"l1-h", true, false, ""}, {"amplitudes", true, false, ""},
                     {"rk4", false, false, "also train the stable model with the RK4 one-step loss"},
                     {"rk4-epochs", true, false, ""}, {"noise", true, false, "state noise std of the training data (default: preset's)"}, {"init", true, false, "random | least-squares"},
                     {"quiet", false, false, ""}, {"plugin-dir", true, true, ""}});
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(kPlugin);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 1));
    const int epochs = static_cast<int>(args.getInt("epochs", 12000));
    const long long samples = args.getInt("samples", 2001);
    // λ_H = 1e-6: the reference default 1e-3 (tuned for Burgers) visibly biases H on this 3-state system.
    const double l1 = args.getDouble("l1-h", 1e-6);
    const int rk4Epochs = static_cast<int>(args.getInt("rk4-epochs", 2000));
    const std::string init = args.get("init", "random");
    const bool quiet = args.has("quiet");
    const std::vector<double> amplitudes = parseList(args.get("amplitudes", "8,12"), "amplitudes");
    std::vector<std::string> presets;
    {
        std::stringstream ss(args.get("presets", "example1,example2"));
        for (std::string p; std::getline(ss, p, ',');) presets.push_back(p);
    }
    json out = {{"study", "opinf-quadratic"}, {"seed", seed}, {"epochs", epochs}, {"rk4_epochs", rk4Epochs}, {"l1_H", l1},
                {"init", init}, {"presets", json::array()}};
    for (const auto& preset : presets) {
        std::cerr << "opinf-quadratic: " << preset << std::endl;
        json genParams = {{"preset", preset}, {"samples", samples}};
        if (args.has("noise")) genParams["noise_std"] = args.getDouble("noise", 0.0);
        data::Dataset ds = systems::generate("quadratic", genParams, seed);
        // Higher-magnitude test inputs than the example's square wave of amplitude 4 (docs/methods/systems.md §3),
        // simulated from the true system.
        const systems::QuadraticSystem truth = systems::quadraticExample(preset);
        const Eigen::VectorXd times = ds.trajectories.front().t;
        for (double a : amplitudes) {
            const auto u = ode::InputSignal::fromFunction(1, [a](double t) {
                return Eigen::VectorXd::Constant(1, a * (std::sin(0.5 * t) >= 0.0 ? 1.0 : -1.0));
            });
            data::Trajectory tr = systems::simulateQuadratic(truth, Eigen::VectorXd::Zero(truth.stateDim()), u, times, 1e-10,
                                                             1e-12, false, "opinf-quadratic test");
            std::ostringstream id;
            id << "test square a=" << a;
            tr.id = id.str();
            ds.splits["test"].push_back(static_cast<int>(ds.trajectories.size()));
            ds.trajectories.push_back(std::move(tr));
        }
        std::vector<std::pair<std::string, json>> variants{
            {"least_squares", {{"variant", "least-squares"}, {"operators", "AHB"}}},
            {"stable", {{"variant", "stable"}, {"operators", "AHB"}, {"epochs", epochs}, {"l1_H", l1}, {"init", init}}}};
        if (args.has("rk4"))
            variants.push_back({"stable_rk4", {{"variant", "stable"}, {"operators", "AHB"}, {"epochs", rk4Epochs}, {"l1_H", l1},
                                               {"loss", "rk4_onestep"}, {"init", init}}});
        json entry = {{"preset", preset},
                      {"noise_std", args.has("noise") ? args.getDouble("noise", 0.0) : (preset == "example2" ? 0.01 : 0.0)},
                      {"train_trajectories", ds.split("train").size()},
                      {"samples_per_trajectory", samples},
                      {"models", json::object()}};
        for (const auto& [name, hyper] : variants) {
            Trained t = trainModel(plugin, hyper, ds, seed, preset + " " + name, quiet);
            const model::Certificate cert = t.model->certify();
            json mj = eigenSummary(cert);
            mj["train_seconds"] = t.seconds;
            mj["final_train_loss"] = jsonNumber(t.summary.finalTrainLoss);
            mj["guarantee"] = cert.guarantee;
            mj["verified"] = cert.verified;
            if (cert.bibs) {
                mj["sigma_min_R"] = jsonNumber(cert.bibs->sigmaMinR);
                mj["norm_B"] = cert.bibs->normB;
            }
            mj["tests"] = json::array();
            for (const auto* tr : ds.split("test")) mj["tests"].push_back(evaluateTest(*t.model, *tr, cert));
            entry["models"][name] = mj;
        }
        out["presets"].push_back(entry);
    }
    printJson(out);
    return 0;
}

// ---- opinf-burgers -------------------------------------------------------------------------------------

int runBurgers(int argc, char** argv) {
    const Args args(argc, argv, 3,
                    {{"train", true, false, ""}, {"test", true, false, ""}, {"nodes", true, false, ""}, {"samples", true, false, ""},
                     {"t-end", true, false, ""}, {"rank", true, false, ""}, {"epochs", true, false, ""}, {"l1-h", true, false, ""},
                     {"reg", true, false, "Tikhonov λ of the least-squares variant"}, {"init", true, false, ""},
                     {"seed", true, false, ""}, {"quiet", false, false, ""}, {"plugin-dir", true, true, ""}});
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(kPlugin);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 1));
    const long long nTrain = args.getInt("train", 10), nTest = args.getInt("test", 10);
    const long long rank = args.getInt("rank", 9);
    const int epochs = static_cast<int>(args.getInt("epochs", 12000));
    const double l1 = args.getDouble("l1-h", 1e-3), reg = args.getDouble("reg", 0.0);
    const bool quiet = args.has("quiet");
    const json gen = {{"train_trajectories", nTrain}, {"test_trajectories", nTest}, {"nodes", args.getInt("nodes", 250)},
                      {"samples", args.getInt("samples", 1001)}, {"t_end", args.getDouble("t-end", 10.0)}};
    std::cerr << "opinf-burgers: generating " << gen.dump() << std::endl;
    auto t0 = std::chrono::steady_clock::now();
    const data::Dataset ds = systems::generate("burgers", gen, seed);
    const double genSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    data::PodOptions po;
    po.rank = static_cast<int>(rank);
    const data::PodBasis pod = data::computePod(ds.split("train"), po);
    const json common = {{"operators", "AHB"}, {"basis", "pod"}, {"pod_rank", rank}, {"derivatives", "ord4"}};
    json ls = common, st = common;
    ls["variant"] = "least-squares";
    for (const char* k : {"reg_A", "reg_H", "reg_B"}) ls[k] = reg;
    st["variant"] = "stable";
    st["epochs"] = epochs;
    st["l1_H"] = l1;
    st["init"] = args.get("init", "random");

    json out = {{"study", "opinf-burgers"}, {"seed", seed}, {"data", gen}, {"generate_seconds", genSeconds}, {"rank", rank},
                {"pod_energy_squared", pod.energySquared[rank - 1]}, {"pod_energy_plain", pod.energyPlain[rank - 1]},
                {"models", json::object()}};
    json projection = json::array();
    for (const auto* tr : ds.split("test")) projection.push_back(relativeError(pod.lift(pod.project(tr->x)), tr->x));
    out["projection_error_per_test"] = projection;
    for (const auto& [name, hyper] : std::vector<std::pair<std::string, json>>{{"least_squares", ls}, {"stable", st}}) {
        Trained t = trainModel(plugin, hyper, ds, seed, "burgers " + name, quiet);
        const model::Certificate cert = t.model->certify();
        json mj = eigenSummary(cert);
        mj["hyperparameters"] = hyper;
        mj["train_seconds"] = t.seconds;
        mj["final_train_loss"] = jsonNumber(t.summary.finalTrainLoss);
        mj["verified"] = cert.verified;
        json errors = json::array(), tests = json::array();
        std::vector<double> finite;
        int diverged = 0;
        for (const auto* tr : ds.split("test")) {
            const json e = evaluateTest(*t.model, *tr, cert);
            tests.push_back(e);
            errors.push_back(e["relative_error"]);
            if (e["relative_error"].is_number()) finite.push_back(e["relative_error"].get<double>());
            diverged += e["diverged"].get<bool>() ? 1 : 0;
        }
        mj["relative_error_per_test"] = errors;
        mj["mean_relative_error"] = diverged ? json(nullptr) : jsonNumber(mean(finite));
        mj["diverged_tests"] = diverged;
        mj["tests"] = tests;
        out["models"][name] = mj;
    }
    printJson(out);
    return 0;
}

// ---- opinf-sweep ---------------------------------------------------------------------------------------

int runSweep(int argc, char** argv) {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"ranks", true, false, ""}, {"lambdas", true, false, ""}, {"variant", true, false, ""},
                               {"epochs", true, false, ""}, {"margin", true, false, ""}, {"operators", true, false, ""},
                               {"derivatives", true, false, ""}, {"train-split", true, false, ""},
                               {"validation-split", true, false, ""}, {"seed", true, false, ""}, {"quiet", false, false, ""}});
    const Args args(argc, argv, 3, specs);
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(kPlugin);
    const catalog::DatasetCatalog catalog;
    const data::Dataset ds = openDataset(args, catalog);
    const std::string variant = args.get("variant", "least-squares");
    if (variant != "least-squares" && variant != "stable") throw Error("option --variant", "expected least-squares or stable");
    const std::string trainSplit = args.get("train-split", "train");
    std::string valSplit = args.get("validation-split", "");
    if (valSplit.empty()) valSplit = ds.hasSplit("validation") ? "validation" : "test";
    const auto train = ds.split(trainSplit, true);
    const auto validation = ds.split(valSplit);
    if (validation.empty()) throw Error("option --validation-split", "split '" + valSplit + "' has no trajectories");
    const double margin = args.getDouble("margin", 5.0);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    const bool quiet = args.has("quiet");
    std::vector<int> ranks;
    for (double r : parseList(args.get("ranks", "2,4,6,8,10,12"), "ranks")) {
        if (r < 1 || r > static_cast<double>(ds.stateDim()) || r != std::floor(r))
            throw Error("option --ranks", "each rank must be an integer in [1, " + std::to_string(ds.stateDim()) + "]");
        ranks.push_back(static_cast<int>(r));
    }
    const std::vector<double> lambdas = parseList(args.get("lambdas", "0,1e-8,1e-6,1e-4,1e-2,1,100"), "lambdas");

    double validationMax = 0.0;
    for (const auto* tr : validation) validationMax = std::max(validationMax, tr->x.colwise().norm().maxCoeff());
    const double bound = margin * validationMax;   // stops hopeless simulations early; the rule is per trajectory below
    data::PodOptions po;
    po.rank = *std::max_element(ranks.begin(), ranks.end());
    const data::PodBasis pod = data::computePod(train, po);

    // Train on the training split only (the sweep's validation data stay unseen).
    data::Dataset trainOnly = ds;
    trainOnly.splits = {{"train", ds.splits.count(trainSplit) ? ds.splits.at(trainSplit) : std::vector<int>{}}};
    if (trainOnly.splits["train"].empty())
        for (int i = 0; i < static_cast<int>(ds.trajectories.size()); ++i) trainOnly.splits["train"].push_back(i);

    const auto start = std::chrono::steady_clock::now();
    json error = json::array(), stable = json::array(), eig = json::array(), residual = json::array(), energy = json::array();
    json best = nullptr;
    double bestErr = std::numeric_limits<double>::infinity();
    for (int r : ranks) {
        energy.push_back(pod.energySquared[r - 1]);
        json eRow = json::array(), sRow = json::array(), gRow = json::array(), rRow = json::array();
        for (double lambda : lambdas) {
            json hyper = {{"variant", variant}, {"operators", args.get("operators", "AHB")}, {"basis", "pod"}, {"pod_rank", r},
                          {"derivatives", args.get("derivatives", "auto")}, {"divergence_bound", std::max(bound, 1.0)}};
            if (variant == "least-squares") {
                for (const char* k : {"reg_c", "reg_A", "reg_H", "reg_B"}) hyper[k] = lambda;
            } else {
                hyper["l1_H"] = lambda;
                hyper["epochs"] = args.getInt("epochs", 2000);
                hyper["init"] = "least-squares";
                hyper["check_trajectories"] = 0;
            }
            Trained t = trainModel(plugin, hyper, trainOnly, seed, "r=" + std::to_string(r) + " λ=" + std::to_string(lambda), true);
            const model::Certificate cert = t.model->certify();
            std::vector<double> errs;
            bool ok = true;
            for (const auto* tr : validation) {
                const model::Prediction p = t.model->predict(*tr);
                const double e = relativeError(p.x, tr->x);
                const double limit = margin * tr->x.colwise().norm().maxCoeff();
                if (p.diverged || !std::isfinite(e) || p.x.colwise().norm().maxCoeff() > limit) { ok = false; break; }
                errs.push_back(e);
            }
            const double e = ok ? mean(errs) : kNaN;
            eRow.push_back(jsonNumber(e));
            sRow.push_back(ok);
            gRow.push_back(jsonNumber(maxRealEigenvalue(cert)));
            rRow.push_back(jsonNumber(t.summary.finalTrainLoss));
            if (ok && e < bestErr) {
                bestErr = e;
                best = {{"rank", r}, {"lambda", lambda}, {"error", e}};
            }
            if (!quiet) {
                char line[200];
                std::snprintf(line, sizeof line, "  r=%d λ=%g: %s", r, lambda, ok ? std::to_string(e).c_str() : "unstable");
                std::cerr << line << std::endl;
            }
        }
        error.push_back(eRow);
        stable.push_back(sRow);
        eig.push_back(gRow);
        residual.push_back(rRow);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printJson({{"kind", "opinf-lambda-rank-sweep"},
               {"variant", variant},
               {"dataset", ds.name},
               {"train_split", trainSplit},
               {"validation_split", valSplit},
               {"ranks", ranks},
               {"lambdas", lambdas},
               {"lambda_meaning", variant == "stable" ? "λ_H of the L1 penalty mean|H|" : "Tikhonov weight λ on every operator (Γ = λI)"},
               {"error", error},
               {"stable", stable},
               {"max_real_eigenvalue", eig},
               {"train_residual", residual},
               {"energy", energy},
               {"best", best},
               {"error_measure", "mean over validation trajectories of ‖X − V_r X̂‖_F / ‖X‖_F"},
               {"stability_rule", "unstable (null error) if a validation simulation diverges or its state norm exceeds margin × the largest state norm of that validation trajectory"},
               {"margin", margin},
               {"validation_trajectories", validation.size()},
               {"seconds", seconds}});
    return 0;
}

}  // namespace

int runOpinfStudy(int argc, char** argv) {
    const std::string name = argv[2];
    if (name == "opinf-quadratic") return runQuadratic(argc, argv);
    if (name == "opinf-burgers") return runBurgers(argc, argv);
    if (name == "opinf-sweep") return runSweep(argc, argv);
    throw Error("stabledyn study", "unknown study '" + name + "' (opinf-quadratic, opinf-burgers, opinf-sweep)");
}

}  // namespace sd::cli
