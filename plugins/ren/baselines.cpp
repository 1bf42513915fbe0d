#include "plugins/ren/baselines.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

#include <cmath>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

Index baselineStateDim(BaselineKind kind, Index hidden) { return kind == BaselineKind::Rnn ? hidden : 2 * hidden; }

Index baselineParameterCount(BaselineKind kind, Index nu, Index h, Index ny) {
    const Index gates = kind == BaselineKind::Rnn ? 1 : 4;
    return gates * h * (nu + h + 1) + ny * h + ny;
}

Index baselineHiddenFor(BaselineKind kind, Index nu, Index ny, Index target) {
    Index best = 1;
    for (Index h = 1; h <= 4096; ++h) {
        if (std::abs(baselineParameterCount(kind, nu, h, ny) - target) < std::abs(baselineParameterCount(kind, nu, best, ny) - target))
            best = h;
        if (baselineParameterCount(kind, nu, h, ny) > target) break;
    }
    return best;
}

nn::ParameterSet initBaseline(BaselineKind kind, Index nu, Index h, Index ny, Rng& rng) {
    if (h < 1) throw Error("ren baseline: hidden", "must be ≥ 1");
    const Index gates = kind == BaselineKind::Rnn ? 1 : 4;
    const double k = 1.0 / std::sqrt(double(h));
    nn::ParameterSet p;
    p.add("Wu", Var::parameter(rng.uniformMatrix(gates * h, nu, -k, k)));
    p.add("Wh", Var::parameter(rng.uniformMatrix(gates * h, h, -k, k)));
    p.add("b", Var::parameter(rng.uniformMatrix(gates * h, 1, -k, k)));
    p.add("C", Var::parameter(rng.uniformMatrix(ny, h, -k, k)));
    p.add("d", Var::parameter(rng.uniformMatrix(ny, 1, -k, k)));
    return p;
}

BaselineRollout simulateBaseline(BaselineKind kind, const nn::ParameterSet& p, const Var& x0, const Var& U, Index K) {
    const Var& Wu = p.var("Wu");
    const Var& Wh = p.var("Wh");
    const Var& C = p.var("C");
    const Index h = Wh.cols(), B = x0.cols();
    if (x0.rows() != baselineStateDim(kind, h)) throw Error("ren baseline", "initial state has the wrong number of rows");
    if (U.rows() != Wu.cols() || U.cols() != K * B) throw Error("ren baseline", "inputs are " + ad::shapeString(U.value()));
    const Var inputTerm = ad::linear(Wu, U, p.var("b"));   // all steps at once
    std::vector<Var> ys;
    ys.reserve(static_cast<std::size_t>(K));
    Var hs = kind == BaselineKind::Rnn ? x0 : ad::rowsOf(x0, 0, h);
    Var cs = kind == BaselineKind::Rnn ? Var() : ad::rowsOf(x0, h, h);
    for (Index t = 0; t < K; ++t) {
        ys.push_back(ad::linear(C, hs, p.var("d")));
        const Var pre = ad::matmul(Wh, hs) + ad::colsOf(inputTerm, t * B, B);
        if (kind == BaselineKind::Rnn) {
            hs = ad::tanh(pre);
        } else {
            const Var i = ad::sigmoid(ad::rowsOf(pre, 0, h)), f = ad::sigmoid(ad::rowsOf(pre, h, h));
            const Var g = ad::tanh(ad::rowsOf(pre, 2 * h, h)), o = ad::sigmoid(ad::rowsOf(pre, 3 * h, h));
            cs = ad::mul(f, cs) + ad::mul(i, g);
            hs = ad::mul(o, ad::tanh(cs));
        }
    }
    BaselineRollout r;
    r.Y = K > 0 ? ad::hcat(ys) : Var::constant(MatrixXd::Zero(C.rows(), 0));
    r.finalState = kind == BaselineKind::Rnn ? hs : ad::vcat({hs, cs});
    return r;
}

}  // namespace sd::ren
