#include "core/nn/grad_clip.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::nn {

double clipGradNorm(const std::vector<ad::Var>& parameters, double maxNorm) {
    if (!(maxNorm > 0)) throw Error("nn::clipGradNorm", "max norm must be > 0");
    double sq = 0.0;
    for (const ad::Var& p : parameters) sq += p.grad().squaredNorm();
    const double norm = std::sqrt(sq);
    if (!std::isfinite(norm)) return norm;
    const double coef = maxNorm / (norm + 1e-6);
    if (coef < 1.0)
        for (const ad::Var& p : parameters) p.mutableGrad() *= coef;
    return norm;
}

void clipGradValue(const std::vector<ad::Var>& parameters, double clip) {
    if (!(clip > 0)) throw Error("nn::clipGradValue", "clip value must be > 0");
    for (const ad::Var& p : parameters) p.mutableGrad() = p.grad().cwiseMax(-clip).cwiseMin(clip);
}

}  // namespace sd::nn
