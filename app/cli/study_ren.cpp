// `stabledyn study ren-wh | ren-f16 | ren-observer` — the studies of the ren plugin (issue 7;
// docs/methods/ren.md, docs/results/ren.md), run through the plugin contract only (create/train/predict/certificate). JSON on stdout, progress on
// stderr, SVG plots into --out-dir when given.
//
//   ren-wh        Wiener–Hammerstein with process noise: test NRMSE and observed sensitivity for a C-REN,
//                 Lipschitz RENs over --gammas, an RNN and an LSTM (the paper's NRMSE-vs-sensitivity plot).
//   ren-f16       F-16 ground vibration test (registry f16-gvt-fullmsine): the same comparison; training and
//                 test sequences can be truncated (--train-samples, --test-samples) to fit the CPU budget.
//   ren-observer  reaction–diffusion PDE (generator "reaction-diffusion"): a C-REN observer trained on
//                 one-step pairs, run from x̂₀ = 0 on the test trajectory; its error against a free-run PDE
//                 simulation from ξ ≡ 0 with the same input.
#include "cli_context.h"
#include "core/analysis/metrics.h"
#include "core/analysis/svg_plot.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"
#include "core/systems/generator_registry.h"
#include "core/systems/reaction_diffusion.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

namespace sd::cli {

using nlohmann::json;

namespace {

constexpr const char* kPlugin = "ren";

/// Keeps the first `samples` columns of every trajectory of a split (0 = all).
void truncate(data::Dataset& ds, const std::string& split, Eigen::Index samples) {
    if (samples <= 0 || !ds.hasSplit(split)) return;
    for (int i : ds.splits.at(split)) {
        auto& tr = ds.trajectories[static_cast<std::size_t>(i)];
        const Eigen::Index k = std::min<Eigen::Index>(samples, tr.t.size());
        tr.t.conservativeResize(k);
        if (tr.u.cols()) tr.u.conservativeResize(Eigen::NoChange, k);
        if (tr.y.cols()) tr.y.conservativeResize(Eigen::NoChange, k);
        if (tr.x.cols()) tr.x.conservativeResize(Eigen::NoChange, k);
    }
}

struct ModelSpec {
    std::string label;
    json hyper;
};

/// "contracting", "lipschitz:<γ>", "rnn", "lstm" → plugin hyperparameters on top of `base`.
ModelSpec parseModel(const std::string& spec, const json& base) {
    ModelSpec m{spec, base};
    if (spec == "contracting" || spec == "c-ren") {
        m.hyper["ren_class"] = "contracting";
    } else if (spec.rfind("lipschitz:", 0) == 0) {
        m.hyper["ren_class"] = "lipschitz";
        try {
            m.hyper["gamma"] = std::stod(spec.substr(10));
        } catch (const std::exception&) {
            throw Error("option --models", "bad γ in '" + spec + "'");
        }
    } else if (spec == "rnn" || spec == "lstm") {
        m.hyper["model_class"] = spec;
        m.hyper["lr"] = base.value("baseline_lr", base.value("lr", 1e-3));
    } else {
        throw Error("option --models", "expected contracting, lipschitz:<γ>, rnn or lstm, got '" + spec + "'");
    }
    m.hyper.erase("baseline_lr");
    return m;
}

std::string gStudyName;
std::string argv0Study(const Args&) { return gStudyName; }

/// Trains each model on `train`, evaluates NRMSE on `test` (washout), collects observed sensitivity.
json identificationStudy(const Args& args, const std::string& datasetName, const std::string& defaultModels, const json& base,
                         Eigen::Index defaultTrain, Eigen::Index defaultTest) {
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(kPlugin);
    const catalog::DatasetCatalog catalog;
    data::Dataset ds = catalog.open(args.get("data", datasetName));
    const Eigen::Index trainSamples = args.getInt("train-samples", defaultTrain), testSamples = args.getInt("test-samples", defaultTest);
    truncate(ds, "train", trainSamples);
    truncate(ds, "test", testSamples);
    const auto test = ds.split("test");
    if (test.empty()) throw Error("dataset '" + ds.name + "'", "has no test split");
    const Eigen::Index washout = args.getInt("washout", 99);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 123));
    json rows = json::array();
    std::vector<std::pair<std::string, std::pair<double, double>>> points;   // label → (sensitivity, nrmse)
    json firstPrediction;
    for (const std::string& spec : splitList(args.get("models", defaultModels))) {
        ModelSpec m = parseModel(spec, base);
        const json hyper = model::validateHyperparameters(plugin.plugin->hyperparameterSchema(), m.hyper);
        auto mdl = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        model::TrainRequest req;
        req.seed = seed;
        req.validationSplit = "";
        const auto start = std::chrono::steady_clock::now();
        const auto summary = mdl->train(ds, req, [&](const model::TrainEvent& e) {
            char line[200];
            std::snprintf(line, sizeof line, "  %s: epoch %d/%d loss %.4g (%.1f s)", m.label.c_str(), e.epoch, e.totalEpochs, e.trainLoss,
                          e.elapsedSeconds);
            std::cerr << line << std::endl;
        }, cancel);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double nrmse = 0.0;
        json perExperiment = json::array();
        for (const auto* tr : test) {
            const auto p = mdl->predict(*tr);
            const double e = p.diverged ? std::numeric_limits<double>::infinity() : analysis::nrmseMean(tr->y, p.y, washout);
            perExperiment.push_back(jsonNumber(e));
            nrmse += e / double(test.size());
            if (firstPrediction.is_null() || spec == "contracting") {
                const Eigen::Index n = std::min<Eigen::Index>(tr->y.cols(), 1000);
                firstPrediction = {{"model", spec}, {"trajectory", tr->id}};
                Eigen::VectorXd yt = tr->y.row(0).head(n).transpose(), yp = p.y.row(0).head(n).transpose();
                firstPrediction["y_true"] = std::vector<double>(yt.data(), yt.data() + n);
                firstPrediction["y_pred"] = std::vector<double>(yp.data(), yp.data() + n);
            }
        }
        const model::Certificate cert = mdl->certify();
        const double sens = cert.observedSensitivity;
        std::cerr << "  " << m.label << ": test NRMSE " << nrmse << ", observed sensitivity " << sens << " (" << seconds << " s)" << std::endl;
        json row = {{"model", spec}, {"status", summary.message}, {"final_train_loss", jsonNumber(summary.finalTrainLoss)},
                    {"test_nrmse", jsonNumber(nrmse)}, {"test_nrmse_per_experiment", perExperiment}, {"observed_sensitivity", jsonNumber(sens)},
                    {"verified", cert.verified}, {"guarantee", cert.guarantee},
                    {"parameters", cert.details.value("parameter_count", 0)}, {"train_seconds", seconds}};
        if (m.hyper.value("ren_class", "") == "lipschitz" && m.hyper.value("model_class", "ren") == "ren") row["gamma"] = m.hyper["gamma"];
        rows.push_back(row);
        points.push_back({spec, {sens, nrmse}});
    }
    json out = {{"study", argv0Study(args)}, {"dataset", ds.name}, {"train_samples_per_sequence", trainSamples},
                {"test_samples_per_sequence", testSamples}, {"washout", washout}, {"seed", seed}, {"base_hyperparameters", base},
                {"results", rows}};
    if (args.has("out-dir")) {
        const std::filesystem::path dir = args.get("out-dir");
        std::filesystem::create_directories(dir);
        std::vector<analysis::SvgSeries> series;
        const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"};
        analysis::SvgSeries renLine{"Lipschitz RENs", {}, {}, colors[0]};
        std::vector<double> sx, sy;
        for (const auto& [label, pt] : points)
            if (label.rfind("lipschitz:", 0) == 0 && std::isfinite(pt.first)) { sx.push_back(pt.first); sy.push_back(pt.second); }
        if (!sx.empty()) {
            renLine.x = Eigen::Map<Eigen::VectorXd>(sx.data(), Eigen::Index(sx.size()));
            renLine.y = Eigen::Map<Eigen::VectorXd>(sy.data(), Eigen::Index(sy.size()));
            series.push_back(renLine);
        }
        int ci = 1;
        for (const auto& [label, pt] : points) {
            if (label.rfind("lipschitz:", 0) == 0 || !std::isfinite(pt.first)) continue;
            // A single point drawn as a short cross so the line plotter shows it.
            analysis::SvgSeries s{label, Eigen::Vector3d(pt.first * 0.97, pt.first, pt.first * 1.03), Eigen::Vector3d(pt.second, pt.second, pt.second),
                                  colors[ci++ % 8]};
            series.push_back(s);
        }
        if (!series.empty())
            analysis::writeSvgLinePlot(dir / "nrmse_vs_sensitivity.svg", series,
                                       {"NRMSE vs observed sensitivity (" + ds.name + ")", "observed sensitivity γ̲", "test NRMSE", false, 800, 500});
        if (firstPrediction.is_object()) {
            const auto yt = firstPrediction["y_true"].get<std::vector<double>>(), yp = firstPrediction["y_pred"].get<std::vector<double>>();
            Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(Eigen::Index(yt.size()), 0, double(yt.size()) - 1);
            analysis::writeSvgLinePlot(dir / "prediction.svg",
                                       {{"measured", t, Eigen::Map<const Eigen::VectorXd>(yt.data(), Eigen::Index(yt.size())), "#000000"},
                                        {firstPrediction["model"].get<std::string>(), t, Eigen::Map<const Eigen::VectorXd>(yp.data(), Eigen::Index(yp.size())), "#d62728", true}},
                                       {"Test output 1, " + firstPrediction["trajectory"].get<std::string>(), "sample", "y", false, 900, 400});
        }
        out["plots"] = {(dir / "nrmse_vs_sensitivity.svg").string(), (dir / "prediction.svg").string()};
    }
    return out;
}

std::vector<OptionSpec> identificationOptions() {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"models", true, false, "comma list: contracting, lipschitz:<γ>, rnn, lstm"},
                               {"epochs", true, false, ""}, {"nx", true, false, ""}, {"nv", true, false, ""},
                               {"seq-len", true, false, ""}, {"lr", true, false, ""}, {"baseline-lr", true, false, ""},
                               {"lr-decay-epochs", true, false, ""}, {"hidden", true, false, "baseline hidden size (0 = match REN)"},
                               {"train-samples", true, false, ""}, {"test-samples", true, false, ""}, {"washout", true, false, ""},
                               {"sens-iterations", true, false, ""}, {"sens-length", true, false, ""}, {"seed", true, false, ""},
                               {"equilibrium", true, false, "acyclic | full"}, {"parity-normalisation", false, false, ""},
                               {"out-dir", true, false, ""}});
    return specs;
}

json baseHyper(const Args& args, int epochs, int nx, int nv, int seqLen, int decayEpochs) {
    json base = {{"nx", args.getInt("nx", nx)}, {"nv", args.getInt("nv", nv)}, {"epochs", args.getInt("epochs", epochs)},
                 {"seq_len", args.getInt("seq-len", seqLen)}, {"lr", args.getDouble("lr", 1e-3)},
                 {"lr_decay_epochs", args.getInt("lr-decay-epochs", decayEpochs)}, {"d22", "zero"}, {"init", "paper"},
                 {"epsilon", 1e-3}, {"polar", false}, {"clip_value", 0.1}, {"activation", "relu"},
                 {"equilibrium", args.get("equilibrium", "acyclic")},
                 {"sensitivity_iterations", args.getInt("sens-iterations", 100)}, {"sensitivity_length", args.getInt("sens-length", 500)},
                 {"hidden", args.getInt("hidden", 0)}};
    if (args.has("baseline-lr")) base["baseline_lr"] = args.getDouble("baseline-lr", 1e-3);
    return base;
}

int runWh(int argc, char** argv) {
    const Args args(argc, argv, 3, identificationOptions());
    json base = baseHyper(args, 10, 40, 100, 512, 8);
    if (args.has("parity-normalisation")) base["normalisation_trajectory"] = "MultisineFadeOut_a";
    printJson(identificationStudy(args, "wiener-hammerstein-process-noise", "contracting,lipschitz:1,lipschitz:2,lipschitz:3.5,lipschitz:8,rnn,lstm",
                                  base, 0, 0));
    return 0;
}

int runF16(int argc, char** argv) {
    const Args args(argc, argv, 3, identificationOptions());
    json base = baseHyper(args, 5, 75, 150, 1024, 20);
    if (args.has("parity-normalisation")) base["normalisation_trajectory"] = "Level4";
    base["pr_alpha"] = 0.5;
    printJson(identificationStudy(args, "f16-gvt-fullmsine", "contracting,lipschitz:10,lipschitz:40,lstm", base, 8192, 8192));
    return 0;
}

int runObserver(int argc, char** argv) {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"samples", true, false, ""}, {"test-samples", true, false, ""}, {"epochs", true, false, ""},
                               {"nv", true, false, ""}, {"batch-size", true, false, ""}, {"lr", true, false, ""}, {"seed", true, false, ""},
                               {"out-dir", true, false, ""}});
    const Args args(argc, argv, 3, specs);
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(kPlugin);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    const json gen = {{"samples", args.getInt("samples", 20000)}, {"test_samples", args.getInt("test-samples", 2000)}};
    std::cerr << "generating reaction-diffusion data " << gen.dump() << std::endl;
    const data::Dataset ds = systems::generate("reaction-diffusion", gen, seed);
    const json hyper = model::validateHyperparameters(
        plugin.plugin->hyperparameterSchema(),
        {{"training", "observer"}, {"nv", args.getInt("nv", 200)}, {"activation", "tanh"}, {"epsilon", 0.01}, {"polar", false},
         {"init", "paper"}, {"epochs", args.getInt("epochs", 5)}, {"batch_size", args.getInt("batch-size", 200)},
         {"lr", args.getDouble("lr", 1e-3)}, {"lr_decay_epochs", 1000}, {"clip_value", 0.0}, {"standardise", false}});
    auto mdl = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
    std::atomic<bool> cancel{false};
    model::TrainRequest req;
    req.seed = seed;
    req.validationSplit = "";
    const auto start = std::chrono::steady_clock::now();
    const auto summary = mdl->train(ds, req, [&](const model::TrainEvent& e) {
        std::cerr << "  observer: epoch " << e.epoch << "/" << e.totalEpochs << " loss " << e.trainLoss << " (" << e.elapsedSeconds << " s)" << std::endl;
    }, cancel);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto* test = ds.split("test").front();
    const auto p = mdl->predict(*test);
    // Free run of the PDE itself from ξ ≡ 0 with the same boundary input (the PDE is not contracting).
    const systems::ReactionDiffusion pde;
    const Eigen::VectorXd b = test->u.row(0).transpose();
    const auto free = pde.simulate(Eigen::VectorXd::Zero(test->x.rows()), b);
    const Eigen::Index K = test->x.cols();
    Eigen::VectorXd obsErr(K), freeErr(K), t = Eigen::VectorXd::LinSpaced(K, 0, double(K) - 1);
    for (Eigen::Index k = 0; k < K; ++k) {
        obsErr[k] = (p.x.col(k) - test->x.col(k)).norm() / std::sqrt(double(test->x.rows()));
        freeErr[k] = (free.x.col(k) - test->x.col(k)).norm() / std::sqrt(double(test->x.rows()));
    }
    auto at = [&](const Eigen::VectorXd& v, Eigen::Index k) { return jsonNumber(v[std::min(k, K - 1)]); };
    json out = {{"study", "ren-observer"}, {"generator", gen}, {"seed", seed}, {"hyperparameters", hyper}, {"status", summary.message},
                {"final_train_loss", jsonNumber(summary.finalTrainLoss)}, {"train_seconds", seconds},
                {"certificate_verified", mdl->certify().verified},
                {"rms_error", {{"observer", {{"t0", at(obsErr, 0)}, {"t100", at(obsErr, 100)}, {"t500", at(obsErr, 500)}, {"final", at(obsErr, K - 1)},
                                             {"mean_last_200", jsonNumber(obsErr.tail(std::min<Eigen::Index>(200, K)).mean())}}},
                               {"free_run_pde", {{"t0", at(freeErr, 0)}, {"t100", at(freeErr, 100)}, {"t500", at(freeErr, 500)}, {"final", at(freeErr, K - 1)},
                                                 {"mean_last_200", jsonNumber(freeErr.tail(std::min<Eigen::Index>(200, K)).mean())}}}}}};
    if (args.has("out-dir")) {
        const std::filesystem::path dir = args.get("out-dir");
        std::filesystem::create_directories(dir);
        analysis::writeSvgLinePlot(dir / "observer_error.svg", {{"C-REN observer from x̂₀ = 0", t, obsErr, "#1f77b4"}, {"PDE free run from ξ ≡ 0", t, freeErr, "#d62728", true}},
                                   {"Reaction–diffusion: RMS state error", "sample", "RMS error", true, 800, 450});
        out["plots"] = {(dir / "observer_error.svg").string()};
    }
    printJson(out);
    return 0;
}

}  // namespace

int runRenStudy(int argc, char** argv) {
    const std::string name = argv[2];
    gStudyName = name;
    if (name == "ren-wh") return runWh(argc, argv);
    if (name == "ren-f16") return runF16(argc, argv);
    if (name == "ren-observer") return runObserver(argc, argv);
    throw Error("stabledyn study", "unknown study '" + name + "' (ren-wh, ren-f16, ren-observer)");
}

}  // namespace sd::cli
