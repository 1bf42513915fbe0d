#include "core/nn/linear.h"

#include "core/autodiff/ops.h"
#include "core/nn/init.h"

namespace sd::nn {

Linear::Linear(Eigen::Index in, Eigen::Index out, Rng& rng, bool bias)
    : W_(ad::Var::parameter(kaimingUniform(rng, out, in))) {
    if (bias) b_ = ad::Var::parameter(uniformBias(rng, out, in));
}

Linear::Linear(const Eigen::MatrixXd& W, const Eigen::MatrixXd& b) : W_(ad::Var::parameter(W)) {
    if (b.size() > 0) b_ = ad::Var::parameter(b);
}

ad::Var Linear::operator()(const ad::Var& x) const { return ad::linear(W_, x, b_); }

ParameterSet Linear::parameters() const {
    ParameterSet p;
    p.add("weight", W_);
    if (b_.defined()) p.add("bias", b_);
    return p;
}

}  // namespace sd::nn
