#include "plugins/ren/sensitivity.h"

#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/nn/adam.h"
#include "core/nn/grad_clip.h"

#include <cmath>

namespace sd::ren {

using ad::Var;

SensitivityResult estimateSensitivity(const SequenceMap& model, Eigen::Index nx, Eigen::Index nu, const SensitivityOptions& o) {
    if (o.length < 1 || o.iterations < 0) throw Error("ren sensitivity", "needs length ≥ 1 and iterations ≥ 0");
    SensitivityResult res;
    if (nu == 0) return res;
    Rng rng(o.seed);
    const Eigen::MatrixXd ua0 = o.inputScale * rng.normalMatrix(nu, o.length);
    const Var ua = Var::parameter(ua0);
    const Var ub = Var::parameter(ua0 + o.perturbation * rng.normalMatrix(nu, o.length));
    const Var x0 = Var::parameter(Eigen::MatrixXd::Zero(nx, 1));
    std::vector<Var> vars{ua, ub};
    if (nx > 0) vars.push_back(x0);
    nn::AdamOptions ao;
    ao.learningRate = o.stepSize;
    nn::Adam adam(vars, ao);
    auto ratioOf = [&]() {
        const Var dy = model(x0, ua) - model(x0, ub);
        return ad::div(ad::frobeniusNorm(dy), ad::frobeniusNorm(ua - ub));
    };
    for (int it = 0; it <= o.iterations; ++it) {
        adam.zeroGrad();
        const Var ratio = ratioOf();
        const double r = ratio.item();
        if (it == 0) res.initialRatio = r;
        if (std::isfinite(r)) res.lowerBound = std::max(res.lowerBound, r);
        res.iterations = it;
        if (it == o.iterations || !std::isfinite(r)) break;
        ad::backward(-ratio);   // ascent
        nn::clipGradValue(vars, o.clip);
        const int decays = o.decayEvery > 0 ? it / o.decayEvery : 0;
        adam.setLearningRate(std::max(o.stepSize * std::pow(0.1, decays), std::min(o.stepSize, 1e-3)));
        adam.step();
    }
    return res;
}

}  // namespace sd::ren
