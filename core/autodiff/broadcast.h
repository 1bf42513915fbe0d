#pragma once
// Internal helpers for broadcasting shapes (used by the op implementations, not part of the public API).
#include "core/autodiff/var.h"

#include <string>

namespace sd::ad::detail {

/// Result shape of broadcasting a with b; throws sd::Error("ad::<op>", ...) naming both shapes.
void broadcastShape(const char* op, const MatrixXd& a, const MatrixXd& b, Index& rows, Index& cols);

/// m repeated up to rows×cols (m's sizes are 1 or equal). Returns m itself (no copy) if the shapes
/// already match, otherwise fills `storage`.
const MatrixXd& expanded(const MatrixXd& m, Index rows, Index cols, MatrixXd& storage);

/// Adds g summed down to target's shape (rows, cols ∈ {1, g.rows/cols}) into target.
void addReduced(const MatrixXd& g, MatrixXd& target, double factor = 1.0);

}  // namespace sd::ad::detail
