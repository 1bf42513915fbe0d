// `stabledyn study pendulum [--links 1,2,4,8] [--epochs N] [--seed S] [--samples-per-link K]
//                           [--trajectories M] [--steps T] --out DIR`
// The n-link pendulum study of Manek & Kolter (docs/methods/systems.md §2, docs/methods/core.md §8), through
// the plugin contract:
// for each n, generate 200n (x, ẋ) training and test pairs in [−π, π]^{2n} (core/systems), train the
// lyapunov-net "stable" model (f̂ 2n-100-100-2n, ICNN 2n-60-60-1) and the "simple" MLP (2n-116-116-2n) with
// Adam (lr 1e-3, batch 2000, default 1000 epochs), then roll both out with RK4 (h = 0.01, `steps` states
// including x0) from M = 1000 initial states in [−π/8, π/8]^{2n}, next to the true RK4 trajectories, and score
// with the reference metric (core/analysis/rollout_error.h): e_i summed over trajectories, its cumulative sum,
// and e_i / M. Writes DIR/pendulum_errors.csv, DIR/pendulum_summary.json, DIR/pendulum_error.svg,
// DIR/pendulum_cumulative_vs_n.svg and the trained models DIR/model_<variant>_n<n>.json; prints the summary.
#include "cli_context.h"
#include "core/analysis/rollout_error.h"
#include "core/analysis/svg_plot.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/model/model_document.h"
#include "core/ode/rk4.h"
#include "core/systems/generator_registry.h"
#include "core/systems/pendulum.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace sd::cli {

using nlohmann::json;

namespace {

std::vector<int> parseLinks(const std::string& s) {
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            const int n = std::stoi(item);
            if (n < 1 || n > 32) throw std::out_of_range("links");
            out.push_back(n);
        } catch (const std::exception&) {
            throw Error("option --links", "expected comma-separated link counts in 1..32, got '" + s + "'");
        }
    }
    if (out.empty()) throw Error("option --links", "empty list");
    return out;
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int runPendulumStudy(int argc, char** argv) {
    const Args args(argc, argv, 3,
                    {{"links", true, false, ""}, {"epochs", true, false, ""}, {"seed", true, false, ""},
                     {"samples-per-link", true, false, ""}, {"trajectories", true, false, ""}, {"steps", true, false, ""},
                     {"out", true, false, ""}, {"plugin-dir", true, true, ""}});
    const std::vector<int> links = parseLinks(args.get("links", "1,2,4,8"));
    const long long epochs = args.getInt("epochs", 1000);
    const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    const long long perLink = args.getInt("samples-per-link", 200);
    const long long M = args.getInt("trajectories", 1000);
    const long long steps = args.getInt("steps", 1000);
    if (epochs < 0 || perLink < 1 || M < 1 || steps < 2) throw Error("study pendulum", "epochs ≥ 0, samples-per-link ≥ 1, trajectories ≥ 1, steps ≥ 2");
    const std::filesystem::path out = args.require("out");
    std::filesystem::create_directories(out);

    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require("lyapunov-net");
    const double h = 0.01;
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(steps, 0.0, h * static_cast<double>(steps - 1));
    ode::Rk4Options rk4;
    rk4.step = h * (1.0 + 1e-9);  // exactly one step per output interval despite rounding of the output times

    std::ostringstream csv;
    csv << "links,model,step,time,step_error,cumulative_error,mean_step_error\n";
    json summary = json::array();
    std::vector<analysis::SvgSeries> curves;
    const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> cumulativeVsN;

    for (std::size_t li = 0; li < links.size(); ++li) {
        const int n = links[li];
        const auto tn = std::chrono::steady_clock::now();
        const data::Dataset ds = systems::generate(
            "pendulum", {{"links", n}, {"mode", "pairs"}, {"samples_per_link", perLink}}, seed + static_cast<std::uint64_t>(n));
        // Initial states and the true RK4 trajectories (shared by both models).
        Rng rng(seed * 7919 + static_cast<std::uint64_t>(n));
        const Eigen::MatrixXd X0 = rng.uniformMatrix(2 * n, M, -M_PI / 8.0, M_PI / 8.0);
        const systems::NLinkPendulum pendulum(n);
        const ode::BatchSolution truthSol = ode::integrateRk4Batch(pendulum.batchField(), X0, times, {}, rk4);
        std::vector<Eigen::MatrixXd> truth;
        for (Eigen::Index b = 0; b < M; ++b) truth.push_back(truthSol.trajectory(b));
        std::vector<Eigen::Index> angles;
        for (int j = 0; j < n; ++j) angles.push_back(j);
        std::cerr << "n = " << n << ": data " << ds.totalSamples() << " pairs, truth rollouts done (" << seconds(tn) << " s)" << std::endl;

        for (const std::string variant : {"stable", "simple"}) {
            const json hyper = {{"variant", variant}, {"epochs", epochs}, {"batch_size", 2000}, {"lr", 1e-3},
                                {"init_seed", seed}, {"certificate_trajectories", 2}};
            auto m = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
            model::TrainRequest req;
            req.seed = seed;
            req.validationSplit = "test";
            std::atomic<bool> cancel{false};
            const auto t0 = std::chrono::steady_clock::now();
            const model::TrainSummary s = m->train(ds, req, [&](const model::TrainEvent& e) {
                if (e.epoch % 100 == 0 || e.epoch == e.totalEpochs)
                    std::cerr << "  n = " << n << " " << variant << " epoch " << e.epoch << "/" << e.totalEpochs << " train "
                              << e.trainLoss << " test " << e.validationLoss << " (" << e.elapsedSeconds << " s)" << std::endl;
            }, cancel);
            const double trainSeconds = seconds(t0);
            const auto t1 = std::chrono::steady_clock::now();
            const ode::BatchField F = [&m](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd&) {
                return m->field(X, Eigen::MatrixXd(0, X.cols()));
            };
            const ode::BatchSolution predSol = ode::integrateRk4Batch(F, X0, times, {}, rk4);
            std::vector<Eigen::MatrixXd> pred;
            int diverged = 0;
            for (Eigen::Index b = 0; b < M; ++b) {
                pred.push_back(predSol.trajectory(b));
                if (!predSol.status[b].completed()) ++diverged;
            }
            const analysis::RolloutError err = analysis::rolloutError(truth, pred, angles);
            const double rolloutSeconds = seconds(t1);
            for (Eigen::Index i = 0; i < err.stepError.size(); ++i)
                csv << n << "," << variant << "," << i << "," << times[i] << "," << err.stepError[i] << "," << err.cumulative[i] << ","
                    << err.meanStepError[i] << "\n";
            Eigen::Index peak = 0;
            err.stepError.maxCoeff(&peak);
            const double total = err.stepError.sum();
            const model::Certificate cert = m->certify();
            summary.push_back({{"links", n}, {"model", variant}, {"epochs_run", s.epochsRun}, {"train_seconds", trainSeconds},
                               {"rollout_seconds", rolloutSeconds}, {"final_train_mse", jsonNumber(s.finalTrainLoss)},
                               {"test_mse", jsonNumber(s.finalValidationLoss)}, {"trajectories", M}, {"steps", steps},
                               {"diverged", diverged},
                               {"cumulative_error", jsonNumber(total)},
                               {"cumulative_error_per_trajectory", jsonNumber(total / static_cast<double>(M))},
                               {"cumulative_error_per_trajectory_step", jsonNumber(total / static_cast<double>(M * steps))},
                               {"final_step_error", jsonNumber(err.stepError[steps - 1])}, {"peak_step_error", jsonNumber(err.stepError[peak])},
                               {"peak_step", peak}, {"error_decreases_towards_end", err.stepError[steps - 1] < err.stepError[peak]},
                               {"certificate_verified", cert.verified}});
            std::cerr << "  " << summary.back().dump() << std::endl;
            model::saveModelFile(out / ("model_" + variant + "_n" + std::to_string(n) + ".json"), m->toJson());
            analysis::SvgSeries c;
            c.label = variant + " n=" + std::to_string(n);
            c.x = times;
            c.y = err.meanStepError;
            c.color = colors[li % 6];
            c.dashed = variant == "simple";
            curves.push_back(std::move(c));
            cumulativeVsN[variant].first.push_back(n);
            cumulativeVsN[variant].second.push_back(total / static_cast<double>(M));
        }
    }
    writeFileAtomic(out / "pendulum_errors.csv", csv.str());
    const json doc = {{"study", "pendulum"}, {"links", links}, {"epochs", epochs}, {"seed", seed}, {"samples_per_link", perLink},
                      {"trajectories", M}, {"steps", steps}, {"h", h}, {"initial_box", M_PI / 8.0}, {"results", summary}};
    writeFileAtomic(out / "pendulum_summary.json", doc.dump(2));
    analysis::SvgPlotOptions po;
    po.title = "n-link pendulum: mean squared state error per trajectory (solid: stable, dashed: simple)";
    po.xLabel = "time (s)";
    po.yLabel = "e_i / N_traj";
    po.logY = true;
    analysis::writeSvgLinePlot(out / "pendulum_error.svg", curves, po);
    std::vector<analysis::SvgSeries> vsN;
    for (const auto& [variant, xy] : cumulativeVsN) {
        analysis::SvgSeries c;
        c.label = variant;
        c.x = Eigen::Map<const Eigen::VectorXd>(xy.first.data(), static_cast<Eigen::Index>(xy.first.size()));
        c.y = Eigen::Map<const Eigen::VectorXd>(xy.second.data(), static_cast<Eigen::Index>(xy.second.size()));
        c.color = variant == "stable" ? "#1f77b4" : "#d62728";
        c.dashed = variant == "simple";
        vsN.push_back(std::move(c));
    }
    po.title = "cumulative error over the horizon per trajectory vs number of links";
    po.xLabel = "links n";
    po.yLabel = "sum_i e_i / N_traj";
    analysis::writeSvgLinePlot(out / "pendulum_cumulative_vs_n.svg", vsN, po);
    printJson(doc);
    return 0;
}

}  // namespace sd::cli
