#pragma once
// Minibatch index iteration with seeded shuffling.
#include "core/common/rng.h"

#include <Eigen/Core>
#include <span>
#include <vector>

namespace sd::nn {

/// Splits 0..count-1 into consecutive batches of batchSize (the last one smaller unless dropLast).
/// With rng non-null the indices are first shuffled (Fisher–Yates on rng), so the same seed gives the
/// same batches. batchSize ≤ 0 or ≥ count gives one full batch. Throws sd::Error if count < 0.
std::vector<std::vector<Eigen::Index>> minibatches(Eigen::Index count, Eigen::Index batchSize, Rng* rng,
                                                   bool dropLast = false);

/// The columns of m at the given indices, in order (m.cols() must exceed every index).
Eigen::MatrixXd gatherColumns(const Eigen::MatrixXd& m, std::span<const Eigen::Index> indices);

}  // namespace sd::nn
