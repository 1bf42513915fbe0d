// R2DN vs the acyclic REN (issue 19; docs/methods/ren.md §13), same machine, same run, one JSON line per case.
//
//  1. F-16 size (studies/ren/f16.json: nx 75, nv 150, nu 2, ny 3, chunks of 1024 samples, batch = the 4 training
//     levels; R2DN network widths --r2dn-hidden, default [64], which matches the REN's parameter count):
//     seconds per simulated step (forward only, no graph), per 1024-step forward+backward (one optimiser step's
//     work), and per training epoch through RenModel::train on the real F-16 data truncated as in f16.json (the
//     first 8192 samples of each training level: 8 chunks × 1024 × 4). Medians over --repeats; the ratios REN/R2DN.
//  2. Wiener–Hammerstein (paper sizes nx 40, nv 100, seq 512, 2 training sequences of 8192): both models trained
//     with the same reduced budget (--wh-epochs, default 20, lr 1e-3) from the same seed; test NRMSE (washout 99,
//     the study's metric) and the wall time. Skipped with --no-wh.
#include "bench/bench_support.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/catalog/dataset_catalog.h"
#include "core/common/rng.h"
#include "core/model/evaluation.h"
#include "core/model/hyperparameters.h"
#include "plugins/ren/direct_params.h"
#include "plugins/ren/r2dn_params.h"
#include "plugins/ren/r2dn_simulation.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"
#include "plugins/ren/ren_simulation.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace sd;
using namespace sd::ren;
using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double median(const std::function<void()>& f, int repeats) {
    f();   // warm-up
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const double t0 = now();
        f();
        t.push_back(now() - t0);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

double loadAverage() {
    double l[3] = {0, 0, 0};
    FILE* f = std::fopen("/proc/loadavg", "r");
    if (f) {
        if (std::fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) != 3) l[0] = -1;
        std::fclose(f);
    }
    return l[0];
}

/// The shared hyperparameters of both models (studies/ren/f16.json and wh.json "fixed", minus the REN-only init).
json commonHyper(Index nx, Index nv, Index seqLen, int epochs) {
    return {{"nx", nx}, {"nv", nv}, {"epochs", epochs}, {"seq_len", seqLen}, {"lr", 1e-3}, {"lr_decay_epochs", 40}, {"d22", "zero"},
            {"epsilon", 1e-3}, {"polar", false}, {"clip_value", 0.1}, {"activation", "relu"}, {"equilibrium", "acyclic"}};
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    int repeats = 5, whEpochs = 20;
    bool wh = true, f16Epoch = true;
    std::vector<Index> hidden = {64};
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--wh-epochs") && i + 1 < argc) whEpochs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-wh")) wh = false;
        else if (!std::strcmp(argv[i], "--no-f16-epoch")) f16Epoch = false;
        else if (!std::strcmp(argv[i], "--r2dn-hidden") && i + 1 < argc) {
            hidden.clear();
            for (std::string s = argv[++i]; !s.empty();) {
                const auto comma = s.find(',');
                hidden.push_back(std::atol(s.substr(0, comma).c_str()));
                s = comma == std::string::npos ? "" : s.substr(comma + 1);
            }
        }
    }
    const catalog::DatasetCatalog cat;

    // ---- 1. F-16 size: per step, per forward+backward chunk, per epoch ----
    {
        const Index nx = 75, nv = 150, nu = 2, ny = 3, K = 1024, B = 4;
        RenConfig c;
        c.nx = nx, c.nv = nv, c.nu = nu, c.ny = ny;
        c.activation = RenActivation::ReLU;
        c.epsilon = 1e-3;
        c.polar = false;
        c.d22Zero = true;
        c.d22Free = false;
        c.validate();
        Rng rng(0);
        const nn::ParameterSet pRen = initDirectParameters(c, rng, RenInit::Paper);
        const nn::ParameterSet pR2dn = initR2dnParameters(c, hidden, rng);
        const MatrixXd U = rng.normalMatrix(nu, K * B), T = rng.normalMatrix(ny, K * B), X0 = MatrixXd::Zero(nx, B);
        const ad::Var Uc = ad::Var::constant(U), Tc = ad::Var::constant(T), X0c = ad::Var::constant(X0);
        auto renForward = [&] {
            ad::NoGradGuard g;
            simulateRen(c, buildExplicit(c, pRen), X0c, Uc, K);
        };
        auto r2dnForward = [&] {
            ad::NoGradGuard g;
            simulateR2dn(c, buildExplicitR2dn(c, pR2dn), X0c, Uc, K);
        };
        auto renStep = [&] {
            pRen.zeroGrad();
            ad::backward(ad::mseLoss(simulateRen(c, buildExplicit(c, pRen), X0c, Uc, K).Y, Tc));
        };
        auto r2dnStep = [&] {
            pR2dn.zeroGrad();
            ad::backward(ad::mseLoss(simulateR2dn(c, buildExplicitR2dn(c, pR2dn), X0c, Uc, K).Y, Tc));
        };
        const double load0 = loadAverage();
        const double fRen = median(renForward, repeats), fR2dn = median(r2dnForward, repeats);
        const double bRen = median(renStep, repeats), bR2dn = median(r2dnStep, repeats);
        std::cout << json{{"bench", "r2dn_vs_ren_f16_size"}, {"nx", nx}, {"nv", nv}, {"nu", nu}, {"ny", ny}, {"steps", K}, {"batch", B},
                          {"r2dn_hidden", hidden}, {"ren_parameters", pRen.totalSize()}, {"r2dn_parameters", pR2dn.totalSize()},
                          {"ren_forward_seconds_per_step", fRen / K}, {"r2dn_forward_seconds_per_step", fR2dn / K},
                          {"forward_ratio_ren_over_r2dn", fRen / fR2dn}, {"ren_fwd_bwd_seconds", bRen}, {"r2dn_fwd_bwd_seconds", bR2dn},
                          {"fwd_bwd_ratio_ren_over_r2dn", bRen / bR2dn}, {"repeats", repeats}, {"load_average_1min", {load0, loadAverage()}}}
                         .dump()
                  << std::endl;
        if (f16Epoch) {
            data::Dataset ds = cat.open("f16-gvt-fullmsine");
            for (const Index i : ds.splits.at("train")) {
                auto& tr = ds.trajectories[static_cast<std::size_t>(i)];
                const Index keep = std::min<Index>(8192, tr.u.cols());
                tr.u = MatrixXd(tr.u.leftCols(keep));
                tr.y = MatrixXd(tr.y.leftCols(keep));
                if (tr.t.size()) tr.t = Eigen::VectorXd(tr.t.head(keep));
                if (tr.x.cols()) tr.x = MatrixXd(tr.x.leftCols(keep));
            }
            json line = {{"bench", "r2dn_vs_ren_f16_epoch"}, {"train_samples_per_level", 8192}, {"levels", ds.splits.at("train").size()},
                         {"seq_len", K}, {"r2dn_hidden", hidden}};
            for (const char* cls : {"ren", "r2dn"}) {
                json h = commonHyper(nx, nv, K, 1);
                h["model_class"] = cls;
                h["init"] = "paper";
                h["r2dn_hidden"] = hidden;
                RenModel m(model::validateHyperparameters(hyperparameterSchema(), h), data::DatasetInfo::of(ds));
                std::vector<double> epochs;
                for (int r = 0; r < std::max(1, repeats / 2); ++r) {
                    std::atomic<bool> cancel{false};
                    model::TrainRequest req;
                    req.trainSplit = "train";
                    req.validationSplit = "";
                    double s = 0.0;
                    m.train(ds, req, [&](const model::TrainEvent& e) { s = e.epochSeconds; }, cancel);
                    epochs.push_back(s);
                }
                std::sort(epochs.begin(), epochs.end());
                line[std::string(cls) + "_epoch_seconds"] = epochs[epochs.size() / 2];
                line[std::string(cls) + "_parameters"] = m.parameterCount();
            }
            line["epoch_ratio_ren_over_r2dn"] = line["ren_epoch_seconds"].get<double>() / line["r2dn_epoch_seconds"].get<double>();
            line["load_average_1min"] = loadAverage();
            std::cout << line.dump() << std::endl;
        }
    }

    // ---- 2. Wiener–Hammerstein: test NRMSE after the same reduced budget ----
    if (wh) {
        const data::Dataset ds = cat.open("wiener-hammerstein-process-noise");
        for (const char* cls : {"ren", "r2dn"}) {
            json h = commonHyper(40, 100, 512, whEpochs);
            h["model_class"] = cls;
            h["init"] = "paper";
            h["r2dn_hidden"] = hidden;
            RenModel m(model::validateHyperparameters(hyperparameterSchema(), h), data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            model::TrainRequest req;
            req.trainSplit = "train";
            req.validationSplit = "";
            req.seed = 123;
            double lastLoss = 0.0;
            const double t0 = now();
            m.train(ds, req, [&](const model::TrainEvent& e) { lastLoss = e.trainLoss; }, cancel);
            const double seconds = now() - t0;
            const model::EvaluationReport rep = model::evaluate(m, ds, "test", 99);
            std::cout << json{{"bench", "r2dn_vs_ren_wh_nrmse"}, {"model", cls}, {"variant", m.variant()}, {"nx", 40}, {"nv", 100},
                              {"r2dn_hidden", hidden}, {"parameters", m.parameterCount()}, {"epochs", whEpochs}, {"seq_len", 512}, {"lr", 1e-3},
                              {"seed", 123}, {"final_train_loss", lastLoss}, {"test_nrmse_washout99", rep.meanNrmse},
                              {"train_seconds", seconds}, {"verified", m.certify().verified}, {"load_average_1min", loadAverage()}}
                             .dump()
                      << std::endl;
        }
    }
    return 0;
}
