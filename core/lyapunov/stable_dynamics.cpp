#include "core/lyapunov/stable_dynamics.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/lyapunov/projection.h"

namespace sd::lyap {

std::vector<Eigen::Index> nominalFieldSizes(Eigen::Index n, const std::vector<Eigen::Index>& fhatHidden) {
    std::vector<Eigen::Index> s{n};
    s.insert(s.end(), fhatHidden.begin(), fhatHidden.end());
    s.push_back(n);
    return s;
}

const StableDynamicsOptions& checkedStableDynamicsOptions(const StableDynamicsOptions& o) {
    if (!(o.alpha > 0.0)) throw Error("lyapunov-net", "alpha must be > 0");
    if (!(o.projDenominatorEps >= 0.0)) throw Error("lyapunov-net", "proj_denominator_eps must be ≥ 0");
    return o;
}

StableDynamics::StableDynamics(Eigen::Index n, const StableDynamicsOptions& options, Rng& rng)
    : n_(n),
      opt_(checkedStableDynamicsOptions(options)),
      fhat_(nominalFieldSizes(n, options.fhatHidden), options.activation, rng),
      V_(n, options.lyapunov, rng) {}

StableDynamics::Output StableDynamics::evaluate(const ad::Var& x) const {
    if (x.rows() != n_)
        throw Error("lyapunov-net", "expected states with " + std::to_string(n_) + " rows, got " + ad::shapeString(x.value()));
    Output out;
    out.fhat = fhat_(x);
    if (opt_.fhatCenter) out.fhat = ad::sub(out.fhat, fhat_(ad::Var::constant(Eigen::MatrixXd::Zero(n_, 1))));
    const LyapunovFunction::Output v = V_.evaluate(x, true);
    out.V = v.V;
    out.gradV = v.gradient;
    out.f = projectOntoDecreaseSet(out.fhat, out.V, out.gradV, opt_.alpha, opt_.projDenominatorEps);
    return out;
}

Eigen::MatrixXd StableDynamics::field(const Eigen::MatrixXd& X) const {
    ad::NoGradGuard noGrad;
    return evaluate(ad::Var::constant(X)).f.value();
}

Eigen::MatrixXd StableDynamics::nominalField(const Eigen::MatrixXd& X) const {
    ad::NoGradGuard noGrad;
    return evaluate(ad::Var::constant(X)).fhat.value();
}

nn::ParameterSet StableDynamics::parameters() const {
    nn::ParameterSet p;
    p.append("fhat", fhat_.parameters());
    p.append("V", V_.parameters());
    return p;
}

}  // namespace sd::lyap
