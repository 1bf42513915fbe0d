#include "core/nn/icnn.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"

namespace sd::nn {

ICNN::ICNN(const std::vector<Eigen::Index>& sizes, Activation inner, Rng& rng) : sizes_(sizes), act_(inner) {
    if (sizes.size() < 3) throw Error("nn::ICNN", "needs [n, hidden..., 1] with at least one hidden layer");
    if (sizes.back() != 1) throw Error("nn::ICNN", "the output size must be 1, got " + std::to_string(sizes.back()));
    for (Eigen::Index s : sizes)
        if (s <= 0) throw Error("nn::ICNN", "layer sizes must be positive, got " + std::to_string(s));
    if (inner.kind != ActivationKind::ReLU && inner.kind != ActivationKind::ReHU &&
        inner.kind != ActivationKind::Softplus)
        throw Error("nn::ICNN", "activation '" + inner.name() + "' is not convex and non-decreasing (use relu, rehu or softplus)");
    const Eigen::Index n = sizes.front();
    const std::size_t k = sizes.size() - 1;
    for (std::size_t i = 0; i < k; ++i) {
        W_.push_back(ad::Var::parameter(kaimingUniform(rng, sizes[i + 1], n)));
        b_.push_back(ad::Var::parameter(uniformBias(rng, sizes[i + 1], n)));
    }
    for (std::size_t i = 0; i + 1 < k; ++i) U_.push_back(ad::Var::parameter(kaimingUniform(rng, sizes[i + 2], sizes[i + 1])));
}

std::vector<ad::Var> ICNN::hiddenWeights() const {
    std::vector<ad::Var> S(U_.size());
    for (std::size_t i = 0; i < U_.size(); ++i) S[i] = ad::softplus(U_[i]);
    return S;
}

ICNN::Output ICNN::evaluate(const ad::Var& x, bool withInputGradient) const {
    return evaluate(x, withInputGradient, hiddenWeights());
}

ICNN::Output ICNN::evaluate(const ad::Var& x, bool withInputGradient, const std::vector<ad::Var>& S) const {
    if (x.rows() != sizes_.front())
        throw Error("nn::ICNN", "expected input with " + std::to_string(sizes_.front()) + " rows, got " +
                                    ad::shapeString(x.value()));
    if (S.size() != U_.size()) throw Error("nn::ICNN", "expected " + std::to_string(U_.size()) + " hidden weight matrices");
    const std::size_t k = W_.size();
    std::vector<ad::Var> a(k);
    ad::Var z;
    for (std::size_t i = 0; i < k; ++i) {
        a[i] = ad::linear(W_[i], x, b_[i]);
        if (i > 0) {
            const double m = static_cast<double>(S[i - 1].rows());  // rows(U_{i-1}); 1 for the output layer
            a[i] = ad::add(a[i], ad::matmul(S[i - 1], false, z, false, 1.0 / m));
        }
        if (i + 1 < k) z = act_.apply(a[i]);
    }
    Output out;
    out.g = a[k - 1];
    if (!withInputGradient) return out;

    // Reverse recurrence; δ_{k-1} = 1 makes the output term W_{k-1}ᵀ broadcast over the batch.
    const Eigen::Index B = x.cols(), n = x.rows();
    ad::Var delta = ad::Var::constant(Eigen::MatrixXd::Ones(1, B));
    ad::Var grad = ad::broadcastTo(ad::transpose(W_[k - 1]), n, B);
    for (std::size_t i = k - 1; i-- > 0;) {
        const double m = static_cast<double>(S[i].rows());
        delta = ad::mul(act_.derivative(a[i]), ad::matmul(S[i], true, delta, false, 1.0 / m));
        grad = ad::add(grad, ad::matmul(W_[i], true, delta, false));
    }
    out.gradient = grad;
    return out;
}

ParameterSet ICNN::parameters() const {
    ParameterSet p;
    for (std::size_t i = 0; i < W_.size(); ++i) {
        p.add("W" + std::to_string(i), W_[i]);
        p.add("b" + std::to_string(i), b_[i]);
    }
    for (std::size_t i = 0; i < U_.size(); ++i) p.add("U" + std::to_string(i), U_[i]);
    return p;
}

}  // namespace sd::nn
