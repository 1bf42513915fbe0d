#include "core/autodiff/broadcast.h"

#include "core/common/error.h"

namespace sd::ad::detail {

void broadcastShape(const char* op, const MatrixXd& a, const MatrixXd& b, Index& rows, Index& cols) {
    const auto dim = [](Index x, Index y, Index& out) {
        if (x == y || y == 1) { out = x; return true; }
        if (x == 1) { out = y; return true; }
        return false;
    };
    if (!dim(a.rows(), b.rows(), rows) || !dim(a.cols(), b.cols(), cols))
        throw Error(std::string("ad::") + op,
                    "shapes do not broadcast: " + shapeString(a) + " and " + shapeString(b));
}

const MatrixXd& expanded(const MatrixXd& m, Index rows, Index cols, MatrixXd& storage) {
    if (m.rows() == rows && m.cols() == cols) return m;
    storage = m.replicate(rows / m.rows(), cols / m.cols());
    return storage;
}

void addReduced(const MatrixXd& g, MatrixXd& target, double factor) {
    const Index r = target.rows(), c = target.cols();
    // An empty gradient adds nothing; Eigen's partial reductions of an empty matrix offset its null data
    // pointer (undefined behaviour, found by UBSan), so they are never evaluated.
    if (g.size() == 0) return;
    if (r == g.rows() && c == g.cols()) {
        if (factor == 1.0) target += g; else target += factor * g;
    } else if (r == 1 && c == 1) {
        target(0, 0) += factor * g.sum();
    } else if (r == 1) {
        target += factor * g.colwise().sum();
    } else {
        target += factor * g.rowwise().sum();
    }
}

}  // namespace sd::ad::detail
