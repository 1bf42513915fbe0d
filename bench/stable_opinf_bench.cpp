// stable-opinf benchmarks (issue 6), one JSON line per measurement on stdout:
//  1. least-squares OpInf fit on the controlled-Burgers data (N = 250, 10 trajectories × 1001 samples,
//     POD r = 9): derivative estimation, POD, data-matrix SVD, and one λ solve, best of 3;
//  2. stable-OpInf training for a fixed number of epochs (Example I, n = 3; Burgers reduced to r = 9) with
//     the derivative loss and the RK4 one-step loss, and — with --pytorch bench/pytorch/stable_opinf_train.py —
//     the same algorithm in PyTorch 1.13 (float64, 1 thread) on the same data in the same run, and the ratio;
//  3. (issue 19) derivative estimators on the Burgers training data — uniform 4th order, the same data on a
//     non-uniform grid, smoothed local polynomials — and automatic λ selection (6 candidates, rollouts on
//     the test trajectory) against one fixed-λ fit, through the plugin's model;
//  4. (issue 19, --polynomial-only) polynomial least-squares fits on Burgers POD r = 10: AHB vs AHGBN (cubic +
//     bilinear) in continuous time and in the discrete variant (docs/methods/stable-opinf.md §1.2.1, §12) —
//     the solver alone (data matrix + thin SVD, one λ solve) and the whole fit through the plugin's model.
// Usage: stable_opinf_bench [--pytorch FILE] [--epochs E] [--rk4-epochs E] [--features-only] [--polynomial-only]
//                           [--only derivative|rk4_onestep] [--gemm portable|avx2|avx512] [--default-allocator]
#include "bench/bench_support.h"
#include "core/common/rng.h"
#include "core/data/derivative_estimators.h"
#include "core/data/derivatives.h"
#include "core/data/pod.h"
#include "core/systems/generator_registry.h"
#include "core/model/hyperparameters.h"
#include "plugins/stable-opinf/discrete_time.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/stable_training.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

using namespace sd;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// One JSON line, with the load average at the time (the machine is shared).
void emit(json j) {
    j["load_avg"] = sd::bench::loadAverage();
    std::cout << j.dump() << std::endl;
}

std::vector<double> rowMajor(const Eigen::MatrixXd& m) {
    std::vector<double> v;
    v.reserve(static_cast<std::size_t>(m.size()));
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) v.push_back(m(i, j));
    return v;
}

std::vector<opinf::ReducedTrajectory> reducedTrainingData(const data::Dataset& ds, const Eigen::MatrixXd& basis) {
    std::vector<opinf::ReducedTrajectory> out;
    for (const auto* tr : ds.split("train")) {
        data::Trajectory copy = *tr;
        if (copy.dxdt.cols() != copy.x.cols()) {
            data::DerivativeOptions o;
            o.overwrite = true;
            data::estimateDerivatives(copy, o);
        }
        opinf::ReducedTrajectory r;
        r.t = copy.t;
        r.X = basis.size() ? Eigen::MatrixXd(basis.transpose() * copy.x) : copy.x;
        r.Z = basis.size() ? Eigen::MatrixXd(basis.transpose() * copy.dxdt) : copy.dxdt;
        r.U = copy.u;
        out.push_back(std::move(r));
    }
    return out;
}

json runPython(const std::string& script, const std::string& dataFile, int epochs, const std::string& loss) {
    const std::string cmd = "/usr/bin/python3 " + script + " --data " + dataFile + " --epochs " + std::to_string(epochs) +
                            " --loss " + loss + " --batch 8 --threads 1";
    return json::parse(sd::bench::commandOutput(cmd));
}

/// Section 3: derivative estimators and automatic λ selection (issue 19), best of 3 each.
int featureBenches(const data::Dataset& burgers) {
    const auto train = burgers.split("train");
    auto best3 = [](const std::function<void()>& f) {
        double best = 1e300;
        for (int rep = 0; rep < 3; ++rep) {
            const auto t0 = Clock::now();
            f();
            best = std::min(best, since(t0));
        }
        return best;
    };
    std::vector<data::Trajectory> jittered;   // the same samples with slightly moved times (non-uniform grid)
    for (const auto* tr : train) {
        jittered.push_back(*tr);
        auto& t = jittered.back().t;
        const double dt = t[1] - t[0];
        for (Eigen::Index k = 1; k + 1 < t.size(); ++k) t[k] += 0.2 * dt * std::sin(1.7 * double(k));
    }
    data::DerivativeEstimator ord4, smooth;
    smooth.method = data::DerivativeMethod::LocalPolynomial;
    smooth.window = 21;
    smooth.degree = 3;
    const double tUniform = best3([&] { for (const auto* tr : train) data::estimateDerivative(*tr, ord4); });
    const double tNonUniform = best3([&] { for (const auto& tr : jittered) data::estimateDerivative(tr, ord4); });
    const double tSmooth = best3([&] { for (const auto* tr : train) data::estimateDerivative(*tr, smooth); });
    emit({{"bench", "opinf_derivative_estimators"}, {"data", "burgers N=250, 10 traj x 1001"},
          {"seconds_ord4_uniform", tUniform}, {"seconds_ord4_nonuniform", tNonUniform}, {"seconds_smooth_21_3", tSmooth}});

    const json common = {{"basis", "pod"}, {"pod_rank", 9}, {"operators", "AHB"}, {"derivatives", "ord4"}};
    auto fit = [&](json extra) {
        json h = common;
        for (auto& [k, v] : extra.items()) h[k] = v;
        opinf::OpInfModel m(model::validateHyperparameters(opinf::hyperparameterSchema(), h), data::DatasetInfo::of(burgers));
        std::atomic<bool> cancel{false};
        model::TrainRequest req;
        req.validationSplit = "test";
        m.train(burgers, req, {}, cancel);
        return m.toJson()["training"];
    };
    json record;
    const double tFixed = best3([&] { fit({{"reg_A", 1e-4}, {"reg_H", 1e-4}}); });
    const double tAuto = best3([&] { record = fit({{"regulariser", "auto"}, {"lambda_candidates", {0, 1e-6, 1e-4, 1e-2, 1, 100}}}); });
    emit({{"bench", "opinf_auto_lambda"}, {"data", "burgers POD r=9, 1 validation trajectory"}, {"candidates", 6},
          {"seconds_fixed_lambda_fit", tFixed}, {"seconds_auto_lambda_fit", tAuto}, {"auto_over_fixed", tAuto / tFixed},
          {"chosen_lambda", record["regulariser_selection"]["chosen_lambda"]},
          {"explanation", record["regulariser_selection"]["explanation"]}});
    return 0;
}


/// Section 4: polynomial least-squares fits (issue 19) on Burgers POD r = 10, best of 3 each. The solver
/// rows time the data matrix + thin SVD and one λ solve on the same reduced data; the plugin rows time the
/// whole fit as a user runs it (derivatives or one-step pairs, POD, solve, certificate) and report the
/// relative rollout error of the held-out test trajectory, so the speed can be read with the accuracy.
int polynomialBenches(const data::Dataset& burgers) {
    constexpr int r = 10;
    const auto train = burgers.split("train");
    auto best3 = [](const std::function<void()>& f) {
        double best = 1e300;
        for (int rep = 0; rep < 3; ++rep) {
            const auto t0 = Clock::now();
            f();
            best = std::min(best, since(t0));
        }
        return best;
    };
    // The same POD basis for every solver row (the plugin rows compute their own, as users do).
    std::vector<data::Trajectory> copies;
    for (const auto* tr : train) {
        copies.push_back(*tr);
        data::DerivativeOptions o;
        o.overwrite = true;
        data::estimateDerivatives(copies.back(), o);
    }
    std::vector<const data::Trajectory*> ptrs;
    for (const auto& c : copies) ptrs.push_back(&c);
    data::PodOptions po;
    po.rank = r;
    const Eigen::MatrixXd basis = data::computePod(ptrs, po).basis;
    Eigen::Index K = 0;
    for (const auto& c : copies) K += c.x.cols();
    const Eigen::Index m = copies.front().u.rows();
    Eigen::MatrixXd X(r, K), Z(r, K), U(m, K);
    Eigen::Index col = 0;
    for (const auto& c : copies) {
        X.middleCols(col, c.x.cols()) = basis.transpose() * c.x;
        Z.middleCols(col, c.x.cols()) = basis.transpose() * c.dxdt;
        U.middleCols(col, c.x.cols()) = c.u;
        col += c.x.cols();
    }
    // Discrete variant: one-step pairs of the reduced trajectories.
    std::vector<data::Trajectory> reduced;
    for (const auto& c : copies) {
        data::Trajectory t = c;
        t.x = basis.transpose() * c.x;
        t.dxdt.resize(0, 0);
        reduced.push_back(std::move(t));
    }
    std::vector<const data::Trajectory*> rptrs;
    for (const auto& t : reduced) rptrs.push_back(&t);
    const opinf::OneStepPairs pairs = opinf::oneStepPairs(rptrs, true, m);

    for (const bool discrete : {false, true}) {
        for (const std::string ops : {"AHB", "AHGBN"}) {
            const Eigen::MatrixXd& Xs = discrete ? pairs.X : X;
            const Eigen::MatrixXd& Us = discrete ? pairs.U : U;
            const Eigen::MatrixXd& Zs = discrete ? pairs.Next : Z;
            Eigen::Index d = 0;
            double tSolve = 1e300;
            bool finite = true;
            const double tSvd = best3([&] {
                const opinf::LeastSquaresOpInf solver(Xs, Us, Zs, opinf::OperatorSet::parse(ops));
                d = solver.unknownsPerRow();
                const auto t1 = Clock::now();
                const auto q = solver.solve(opinf::RegularisationWeights::uniform(1e-3));
                tSolve = std::min(tSolve, since(t1));
                finite = finite && q.allFinite();
            });
            if (!finite) return 1;
            emit({{"bench", "opinf_polynomial_solver"}, {"data", "burgers POD r=10, 10 traj x 1001"},
                  {"variant", discrete ? "discrete" : "least-squares"}, {"operators", ops}, {"samples", Xs.cols()},
                  {"unknowns_per_row", d}, {"seconds_matrix_svd_and_solve", tSvd}, {"seconds_solve_per_lambda", tSolve}});
        }
    }

    for (const std::string variant : {"least-squares", "discrete"}) {
        for (const std::string ops : {"AHB", "AHGBN"}) {
            json h = {{"variant", variant}, {"basis", "pod"}, {"pod_rank", r}, {"operators", ops},
                      {"reg_A", 1e-3}, {"reg_H", 1e-3}, {"reg_B", 1e-3}, {"reg_G", 1e-3}, {"reg_N", 1e-3}};
            if (variant == "least-squares") h["derivatives"] = "ord4";
            double relErr = 0;
            bool diverged = false;
            const double seconds = best3([&] {
                opinf::OpInfModel model(model::validateHyperparameters(opinf::hyperparameterSchema(), h),
                                        data::DatasetInfo::of(burgers));
                std::atomic<bool> cancel{false};
                model::TrainRequest req;
                req.validationSplit = "";
                model.train(burgers, req, {}, cancel);
                const data::Trajectory& test = *burgers.split("test").front();
                const model::Prediction p = model.predict(test);
                diverged = p.diverged;
                relErr = diverged ? std::numeric_limits<double>::infinity() : (p.x - test.x).norm() / test.x.norm();
            });
            emit({{"bench", "opinf_polynomial_fit"}, {"data", "burgers N=250, 10 traj x 1001, POD r=10"},
                  {"variant", variant}, {"operators", ops}, {"lambda", 1e-3}, {"seconds_fit", seconds},
                  {"test_rollout_diverged", diverged}, {"test_relative_error", diverged ? json(nullptr) : json(relErr)}});
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    std::string pytorch;
    int epochs = 2000, rk4Epochs = 200;
    std::string onlyLoss;  // --only derivative|rk4_onestep: one loss of part 2
    bool featuresOnly = false, polynomialOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pytorch") && i + 1 < argc) pytorch = argv[++i];
        else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--rk4-epochs") && i + 1 < argc) rk4Epochs = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) onlyLoss = argv[++i];
        else if (!std::strcmp(argv[i], "--gemm") && i + 1 < argc) ++i;  // applied by applyAllocatorChoice
        else if (!std::strcmp(argv[i], "--features-only")) featuresOnly = true;
        else if (!std::strcmp(argv[i], "--polynomial-only")) polynomialOnly = true;
        else if (std::strcmp(argv[i], "--default-allocator")) {
            std::cerr << "usage: stable_opinf_bench [--pytorch FILE] [--epochs E] [--rk4-epochs E] [--features-only] [--polynomial-only] [--only derivative|rk4_onestep]"
                         " [--gemm portable|avx2|avx512] [--default-allocator]\n";
            return 2;
        }
    }

    // ---- data ---------------------------------------------------------------------------------------
    auto t0 = Clock::now();
    const data::Dataset burgers = systems::generate("burgers", {{"train_trajectories", 10}, {"test_trajectories", 1}}, 6);
    emit({{"bench", "generate_burgers"}, {"seconds", since(t0)}, {"trajectories", burgers.trajectories.size()}});
    const data::Dataset example1 = systems::generate("quadratic", {{"preset", "example1"}}, 6);

    if (featuresOnly) return featureBenches(burgers);
    if (polynomialOnly) return polynomialBenches(burgers);

    // ---- 1. least-squares fit on Burgers --------------------------------------------------------------
    const auto train = burgers.split("train");
    double best = 1e300, bestDeriv = 0, bestPod = 0, bestSvd = 0, bestSolve = 0;
    Eigen::MatrixXd basis;
    for (int rep = 0; rep < 3; ++rep) {
        const auto start = Clock::now();
        std::vector<data::Trajectory> copies;
        for (const auto* tr : train) {
            copies.push_back(*tr);
            data::DerivativeOptions o;
            o.overwrite = true;
            data::estimateDerivatives(copies.back(), o);
        }
        const double tDeriv = since(start);
        auto t1 = Clock::now();
        data::PodOptions po;
        po.rank = 9;
        std::vector<const data::Trajectory*> ptrs;
        for (const auto& c : copies) ptrs.push_back(&c);
        basis = data::computePod(ptrs, po).basis;
        const double tPod = since(t1);
        t1 = Clock::now();
        Eigen::Index K = 0;
        for (const auto& c : copies) K += c.x.cols();
        Eigen::MatrixXd X(9, K), Z(9, K), U(1, K);
        Eigen::Index col = 0;
        for (const auto& c : copies) {
            X.middleCols(col, c.x.cols()) = basis.transpose() * c.x;
            Z.middleCols(col, c.x.cols()) = basis.transpose() * c.dxdt;
            U.middleCols(col, c.x.cols()) = c.u;
            col += c.x.cols();
        }
        const opinf::LeastSquaresOpInf solver(X, U, Z, opinf::OperatorSet::parse("AHB"));
        const double tSvd = since(t1);
        t1 = Clock::now();
        const auto ops = solver.solve({1e-3, 1e-3, 1e-3, 1e-3});
        const double tSolve = since(t1);
        const double total = since(start);
        if (total < best) { best = total; bestDeriv = tDeriv; bestPod = tPod; bestSvd = tSvd; bestSolve = tSolve; }
        if (!ops.A.allFinite()) return 1;
    }
    emit({{"bench", "opinf_least_squares_fit"}, {"data", "burgers N=250, 10 trajectories x 1001 samples"}, {"rank", 9},
          {"seconds_total", best}, {"seconds_derivatives", bestDeriv}, {"seconds_pod", bestPod},
          {"seconds_project_and_svd", bestSvd}, {"seconds_solve_per_lambda", bestSolve}});

    // ---- 2. stable training vs PyTorch ---------------------------------------------------------------
    struct Case {
        std::string name;
        std::vector<opinf::ReducedTrajectory> data;
    };
    const std::vector<Case> cases{{"example1 (n=3, 2 traj x 2001)", reducedTrainingData(example1, {})},
                                  {"burgers POD r=9 (10 traj x 1001)", reducedTrainingData(burgers, basis)}};
    for (const auto& c : cases) {
        const auto n = c.data.front().X.rows(), m = c.data.front().U.rows();
        const std::string dataFile = (std::filesystem::temp_directory_path() / "stable_opinf_bench_data.json").string();
        if (!pytorch.empty()) {
            json d = {{"n", n}, {"m", m}, {"trajectories", json::array()}};
            for (const auto& r : c.data)
                d["trajectories"].push_back({{"t", std::vector<double>(r.t.data(), r.t.data() + r.t.size())},
                                             {"X", rowMajor(r.X)}, {"U", rowMajor(r.U)}, {"Z", rowMajor(r.Z)}});
            std::ofstream(dataFile) << d.dump();
        }
        for (const auto& [loss, lossName, pyLoss, E] :
             std::vector<std::tuple<opinf::StableLoss, std::string, std::string, int>>{
                 {opinf::StableLoss::Derivative, "derivative", "derivative", epochs},
                 {opinf::StableLoss::Rk4OneStep, "rk4_onestep", "rk4", rk4Epochs}}) {
            if (!onlyLoss.empty() && onlyLoss != lossName) continue;
            opinf::StableStructure st;
            st.n = n;
            st.m = m;
            Rng rng(1);
            opinf::StableParameters p = opinf::StableParameters::random(st, 0.1, rng);
            opinf::StableTrainingOptions o;
            o.loss = loss;
            o.epochs = E;
            o.batchTrajectories = 8;
            const auto start = Clock::now();
            const auto result = opinf::trainStableOpInf(p, c.data, {}, o);
            const double seconds = since(start);
            json line = {{"bench", "stable_opinf_training"}, {"gemm", sd::bench::gemmKernelName()}, {"data", c.name}, {"loss", lossName}, {"epochs", E},
                         {"steps", result.steps}, {"seconds_cpp", seconds}, {"us_per_step_cpp", 1e6 * seconds / double(result.steps)},
                         {"final_loss_cpp", result.finalTrainLoss}};
            if (!pytorch.empty()) {
                try {
                    const json py = runPython(pytorch, dataFile, E, pyLoss);
                    line["seconds_pytorch"] = py.at("seconds");
                    line["final_loss_pytorch"] = py.at("final_loss");
                    line["pytorch_over_cpp"] = py.at("seconds").get<double>() / seconds;
                    if (loss == opinf::StableLoss::Derivative) {
                        // The predecessor code's sample-by-sample derivative loss in PyTorch, for reference.
                        const json direct = runPython(pytorch, dataFile, E, "derivative-direct");
                        line["seconds_pytorch_samplewise"] = direct.at("seconds");
                        line["pytorch_samplewise_over_cpp"] = direct.at("seconds").get<double>() / seconds;
                    }
                } catch (const std::exception& e) {
                    line["pytorch_error"] = std::string("could not run or parse: ") + e.what();
                }
            }
            emit(line);
        }
        if (!pytorch.empty()) std::filesystem::remove(dataFile);
    }
    return 0;
}
