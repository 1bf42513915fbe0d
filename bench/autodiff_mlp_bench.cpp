// MLP 2→100→100→2 (ReLU) forward + backward of an MSE loss: the sd::ad engine against the same
// computation written directly in Eigen (and, with --pytorch <script>, PyTorch on the same machine).
// --threads 1,2: the engine at each compute-thread count, PyTorch with the same torch.set_num_threads (the
// direct-Eigen reference stays single-threaded). Prints one JSON line per measurement. Not part of ctest.
#include "bench/bench_support.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "core/nn/mlp.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>

using Eigen::MatrixXd;

namespace {

// FLOPs of one step: forward matmuls, weight gradients, and input gradients of layers 2 and 3.
double flopsPerStep(Eigen::Index batch) {
    const double fwd = 2.0 * batch * (2 * 100 + 100 * 100 + 100 * 2);
    const double bwdInput = 2.0 * batch * (100 * 100 + 100 * 2);
    return 2 * fwd + bwdInput;
}

// Warm up 5 steps, then best of 3 rounds of ≥ minSeconds (µs per step).
double timeStep(const std::function<void()>& step, double minSeconds) {
    return sd::bench::bestSecondsPerCall(step, minSeconds, 5) * 1e6;
}

struct DirectMlp {
    MatrixXd W1, b1, W2, b2, W3, b3;
    MatrixXd A1, H1, A2, H2, Y, G3, G2, G1, gW1, gb1, gW2, gb2, gW3, gb3;
    double step(const MatrixXd& X, const MatrixXd& T) {
        const double n = static_cast<double>(T.size());
        A1.noalias() = W1 * X;
        A1.colwise() += b1.col(0);
        H1 = A1.cwiseMax(0.0);
        A2.noalias() = W2 * H1;
        A2.colwise() += b2.col(0);
        H2 = A2.cwiseMax(0.0);
        Y.noalias() = W3 * H2;
        Y.colwise() += b3.col(0);
        G3 = (2.0 / n) * (Y - T);
        const double loss = (Y - T).squaredNorm() / n;
        gW3.noalias() = G3 * H2.transpose();
        gb3 = G3.rowwise().sum();
        G2.noalias() = W3.transpose() * G3;
        G2 = (A2.array() > 0.0).select(G2, 0.0);
        gW2.noalias() = G2 * H1.transpose();
        gb2 = G2.rowwise().sum();
        G1.noalias() = W2.transpose() * G2;
        G1 = (A1.array() > 0.0).select(G1, 0.0);
        gW1.noalias() = G1 * X.transpose();
        gb1 = G1.rowwise().sum();
        return loss;
    }
};

void emit(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    std::string pytorchScript;
    double minSeconds = 0.5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pytorch") && i + 1 < argc) pytorchScript = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) minSeconds = std::stod(argv[++i]);
    }
    for (const int threads : sd::bench::threadCounts(argc, argv)) {
    sd::setComputeThreads(threads);
    for (Eigen::Index batch : {256, 2000}) {
        sd::Rng rng(1);
        const sd::nn::MLP mlp({2, 100, 100, 2}, sd::nn::Activation::relu(), rng);
        const sd::nn::ParameterSet params = mlp.parameters();
        const MatrixXd X = rng.uniformMatrix(2, batch, -M_PI, M_PI);
        const MatrixXd T = rng.normalMatrix(2, batch);
        const sd::ad::Var x = sd::ad::Var::constant(X), t = sd::ad::Var::constant(T);

        double engineLoss = 0;
        const double usEngine = timeStep([&] {
            params.zeroGrad();
            const sd::ad::Var loss = sd::ad::mseLoss(mlp(x), t);
            sd::ad::backward(loss);
            engineLoss = loss.item();
        }, minSeconds);

        DirectMlp direct;
        const auto& L = mlp.layers();
        direct.W1 = L[0].weight().value(); direct.b1 = L[0].bias().value();
        direct.W2 = L[1].weight().value(); direct.b2 = L[1].bias().value();
        direct.W3 = L[2].weight().value(); direct.b3 = L[2].bias().value();
        double directLoss = 0;
        const double usEigen = timeStep([&] { directLoss = direct.step(X, T); }, minSeconds);
        // Same numbers from both (guards against benchmarking different computations).
        const double gradDiff = (direct.gW2 - params.var("1.weight").grad()).cwiseAbs().maxCoeff() +
                                (direct.gW1 - params.var("0.weight").grad()).cwiseAbs().maxCoeff();
        // (params' grads hold one step's gradient because zeroGrad precedes every step)
        const double flops = flopsPerStep(batch);
        (void)0;
        emit({{"bench", "mlp_2_100_100_2_step"}, {"impl", "sd::ad"}, {"batch", batch}, {"threads", threads},
              {"us_per_step", usEngine}, {"gflops", flops / usEngine * 1e-3}, {"loss", engineLoss},
              {"load_avg", sd::bench::loadAverage()}});
        emit({{"bench", "mlp_2_100_100_2_step"}, {"impl", "eigen-direct"}, {"batch", batch}, {"us_per_step", usEigen},
              {"gflops", flops / usEigen * 1e-3}, {"loss", directLoss}, {"max_grad_diff_vs_engine", gradDiff}});
        nlohmann::json ratio = {{"bench", "mlp_2_100_100_2_step"}, {"batch", batch}, {"threads", threads},
                                {"engine_over_eigen", usEngine / usEigen}};
        if (!pytorchScript.empty()) {
            const std::string cmd = "/usr/bin/python3 " + pytorchScript + " --batch " + std::to_string(batch) +
                                    " --seconds " + std::to_string(minSeconds) + " --threads " + std::to_string(threads);
            try {
                const auto j = nlohmann::json::parse(sd::bench::commandOutput(cmd));
                emit(j);
                ratio["pytorch_over_engine"] = j.at("us_per_step").get<double>() / usEngine;
            } catch (const std::exception& e) {
                ratio["pytorch_error"] = std::string("could not run or parse: ") + e.what();
            }
        }
        emit(ratio);
    }
    }  // thread counts
    return 0;
}
