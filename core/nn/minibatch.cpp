#include "core/nn/minibatch.h"

#include "core/common/error.h"

#include <numeric>
#include <utility>

namespace sd::nn {

std::vector<std::vector<Eigen::Index>> minibatches(Eigen::Index count, Eigen::Index batchSize, Rng* rng,
                                                   bool dropLast) {
    if (count < 0) throw Error("nn::minibatches", "negative sample count");
    std::vector<Eigen::Index> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    if (rng)
        for (Eigen::Index i = count - 1; i > 0; --i)
            std::swap(order[i], order[static_cast<std::size_t>(rng->uniformInt(0, i))]);
    const Eigen::Index bs = (batchSize <= 0 || batchSize > count) ? count : batchSize;
    std::vector<std::vector<Eigen::Index>> batches;
    for (Eigen::Index start = 0; start < count; start += bs) {
        const Eigen::Index end = std::min(count, start + bs);
        if (dropLast && end - start < bs) break;
        batches.emplace_back(order.begin() + start, order.begin() + end);
    }
    return batches;
}

Eigen::MatrixXd gatherColumns(const Eigen::MatrixXd& m, std::span<const Eigen::Index> indices) {
    Eigen::MatrixXd out(m.rows(), static_cast<Eigen::Index>(indices.size()));
    for (std::size_t j = 0; j < indices.size(); ++j) {
        const Eigen::Index c = indices[j];
        if (c < 0 || c >= m.cols())
            throw Error("nn::gatherColumns", "column " + std::to_string(c) + " out of range for " +
                                                 std::to_string(m.cols()) + " columns");
        out.col(static_cast<Eigen::Index>(j)) = m.col(c);
    }
    return out;
}

}  // namespace sd::nn
