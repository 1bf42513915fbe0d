#include "core/lyapunov/lyapunov_function.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::lyap {

namespace {

std::vector<Eigen::Index> icnnSizes(Eigen::Index n, const std::vector<Eigen::Index>& hidden) {
    if (n < 1) throw Error("lyapunov-net V", "state dimension must be ≥ 1, got " + std::to_string(n));
    if (hidden.empty()) throw Error("lyapunov-net V", "v_hidden needs at least one hidden layer");
    std::vector<Eigen::Index> s{n};
    s.insert(s.end(), hidden.begin(), hidden.end());
    s.push_back(1);
    return s;
}

const LyapunovOptions& checked(const LyapunovOptions& o) {
    if (!(o.innerRehuD > 0.0)) throw Error("lyapunov-net V", "inner_rehu_d must be > 0");
    if (!(o.outerRehuD > 0.0)) throw Error("lyapunov-net V", "outer_rehu_d must be > 0");
    if (!(o.eps > 0.0)) throw Error("lyapunov-net V", "eps must be > 0 for V to be positive definite");
    return o;
}

}  // namespace

LyapunovFunction::LyapunovFunction(Eigen::Index n, const LyapunovOptions& options, Rng& rng)
    : n_(n), opt_(checked(options)), g_(icnnSizes(n, options.hidden), nn::Activation::rehu(options.innerRehuD), rng) {
    if (opt_.warp) warp_.emplace(n, opt_.warpHidden, opt_.warpLipschitz, rng);
    if (opt_.g0Mode == G0Mode::FrozenAtInit) {
        ad::NoGradGuard noGrad;
        frozenOffset_ = warpedG(ad::Var::constant(Eigen::MatrixXd::Zero(n_, 1)), false, g_.hiddenWeights()).g.item();
    }
}

nn::ICNN::Output LyapunovFunction::warpedG(const ad::Var& x, bool withGradient, const std::vector<ad::Var>& S) const {
    if (!warp_) return g_.evaluate(x, withGradient, S);
    const ResidualWarp::Evaluation w = warp_->evaluate(x);
    nn::ICNN::Output out = g_.evaluate(w.y, withGradient, S);
    if (withGradient) out.gradient = warp_->jacobianTranspose(w, out.gradient);
    return out;
}

LyapunovFunction::Output LyapunovFunction::evaluate(const ad::Var& x, bool withGradient) const {
    if (x.rows() != n_)
        throw Error("lyapunov-net V", "expected states with " + std::to_string(n_) + " rows, got " + ad::shapeString(x.value()));
    // One softplus of the ICNN weights serves both g(F(x)) and g(F(0)).
    const std::vector<ad::Var> S = g_.hiddenWeights();
    const nn::ICNN::Output gx = warpedG(x, withGradient, S);
    ad::Var c = opt_.g0Mode == G0Mode::Recompute ? warpedG(ad::Var::constant(Eigen::MatrixXd::Zero(n_, 1)), false, S).g
                                                 : ad::Var::scalar(frozenOffset_);
    Output out;
    out.inner = ad::sub(gx.g, c);
    out.V = ad::add(ad::rehu(out.inner, opt_.outerRehuD), ad::scale(ad::colwiseSquaredNorm(x), opt_.eps));
    if (withGradient)
        out.gradient = ad::add(ad::mul(gx.gradient, ad::rehuPrime(out.inner, opt_.outerRehuD)), ad::scale(x, 2.0 * opt_.eps));
    return out;
}

double LyapunovFunction::offset() const {
    if (opt_.g0Mode == G0Mode::FrozenAtInit) return frozenOffset_;
    ad::NoGradGuard noGrad;
    return warpedG(ad::Var::constant(Eigen::MatrixXd::Zero(n_, 1)), false, g_.hiddenWeights()).g.item();
}

nn::ParameterSet LyapunovFunction::parameters() const {
    nn::ParameterSet p;
    p.append("g", g_.parameters());
    if (warp_) p.append("warp", warp_->parameters());
    return p;
}

}  // namespace sd::lyap
