#include "core/nn/mlp.h"

#include "core/common/error.h"

namespace sd::nn {

MLP::MLP(const std::vector<Eigen::Index>& sizes, Activation hidden, Rng& rng) : sizes_(sizes), act_(hidden) {
    if (sizes.size() < 2) throw Error("nn::MLP", "needs at least input and output sizes");
    for (Eigen::Index s : sizes)
        if (s <= 0) throw Error("nn::MLP", "layer sizes must be positive, got " + std::to_string(s));
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i) layers_.emplace_back(sizes[i], sizes[i + 1], rng);
}

ad::Var MLP::operator()(const ad::Var& x) const {
    if (x.rows() != sizes_.front())
        throw Error("nn::MLP", "expected input with " + std::to_string(sizes_.front()) + " rows, got " +
                                   ad::shapeString(x.value()));
    ad::Var h = x;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        h = layers_[i](h);
        if (i + 1 < layers_.size()) h = act_.apply(h);
    }
    return h;
}

ParameterSet MLP::parameters() const {
    ParameterSet p;
    for (std::size_t i = 0; i < layers_.size(); ++i) p.append(std::to_string(i), layers_[i].parameters());
    return p;
}

}  // namespace sd::nn
