#include "plugins/lyapunov-net/known_v_dynamics.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/lyapunov/projection.h"

namespace sd::lyapnet {

KnownVDynamics::KnownVDynamics(Eigen::Index n, const lyap::StableDynamicsOptions& options, KnownLyapunov V, Rng& rng)
    : n_(n),
      opt_(lyap::checkedStableDynamicsOptions(options)),
      fhat_(lyap::nominalFieldSizes(n, options.fhatHidden), options.activation, rng),
      V_(std::move(V)) {
    if (V_.stateDim() != n)
        throw Error("lyapunov-net: known V", "V is defined on " + std::to_string(V_.stateDim()) + " states, the model has " +
                                                 std::to_string(n));
}

lyap::StableDynamics::Output KnownVDynamics::evaluate(const ad::Var& x) const {
    if (x.rows() != n_)
        throw Error("lyapunov-net", "expected states with " + std::to_string(n_) + " rows, got " + ad::shapeString(x.value()));
    lyap::StableDynamics::Output out;
    out.fhat = fhat_(x);
    if (opt_.fhatCenter) out.fhat = ad::sub(out.fhat, fhat_(ad::Var::constant(Eigen::MatrixXd::Zero(n_, 1))));
    Eigen::MatrixXd G;
    const Eigen::RowVectorXd V = V_.evaluate(x.value(), &G);
    out.V = ad::Var::constant(V);
    out.gradV = ad::Var::constant(G);
    out.f = lyap::projectOntoDecreaseSet(out.fhat, out.V, out.gradV, opt_.alpha, opt_.projDenominatorEps);
    return out;
}

lyap::FieldEvaluator::Result KnownVDynamics::evaluate(const Eigen::MatrixXd& X) const {
    ad::NoGradGuard noGrad;
    const lyap::StableDynamics::Output o = evaluate(ad::Var::constant(X));
    lyap::FieldEvaluator::Result r;
    r.f = o.f.value();
    r.fhat = o.fhat.value();
    r.gradV = o.gradV.value();
    r.V = o.V.value();
    return r;
}

nn::ParameterSet KnownVDynamics::parameters() const {
    nn::ParameterSet p;
    p.append("fhat", fhat_.parameters());
    return p;
}

}  // namespace sd::lyapnet
