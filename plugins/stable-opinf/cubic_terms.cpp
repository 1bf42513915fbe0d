#include "plugins/stable-opinf/cubic_terms.h"

#include "core/common/error.h"

#include <array>
#include <string>

namespace sd::opinf {

namespace {

/// Calls f(compressedColumn, i, j, k) for k ≤ j ≤ i in the compressed order.
template <class F>
void forEachCompressedTriple(Eigen::Index n, F&& f) {
    Eigen::Index col = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j)
            for (Eigen::Index k = 0; k <= j; ++k) f(col++, i, j, k);
}

/// The full-Kronecker columns of the distinct permutations of (i, j, k); returns how many there are.
int permutationColumns(Eigen::Index n, Eigen::Index i, Eigen::Index j, Eigen::Index k, std::array<Eigen::Index, 6>& cols) {
    const std::array<std::array<Eigen::Index, 3>, 6> perms{{{i, j, k}, {i, k, j}, {j, i, k}, {j, k, i}, {k, i, j}, {k, j, i}}};
    int count = 0;
    for (const auto& p : perms) {
        const Eigen::Index c = p[0] * n * n + p[1] * n + p[2];
        bool seen = false;
        for (int q = 0; q < count; ++q) seen = seen || cols[q] == c;
        if (!seen) cols[count++] = c;
    }
    return count;
}

}  // namespace

Eigen::Index compressedCubicSize(Eigen::Index n) { return n * (n + 1) * (n + 2) / 6; }

Eigen::MatrixXd kronCubeColumns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), K = X.cols();
    Eigen::MatrixXd out(n * n * n, K);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            out.middleRows(i * n * n + j * n, n) = X.array().rowwise() * (X.row(i).array() * X.row(j).array());
    return out;
}

Eigen::MatrixXd compressedCubeColumns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), K = X.cols();
    Eigen::MatrixXd out(compressedCubicSize(n), K);
    Eigen::Index row = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j) {
            out.middleRows(row, j + 1) = X.topRows(j + 1).array().rowwise() * (X.row(i).array() * X.row(j).array());
            row += j + 1;
        }
    return out;
}

Eigen::MatrixXd compressCubic(const Eigen::MatrixXd& G, Eigen::Index n) {
    if (G.cols() != n * n * n)
        throw Error("compressCubic", "expected " + std::to_string(n * n * n) + " columns for n = " + std::to_string(n) + ", found " +
                                         std::to_string(G.cols()));
    Eigen::MatrixXd Gc = Eigen::MatrixXd::Zero(G.rows(), compressedCubicSize(n));
    std::array<Eigen::Index, 6> cols{};
    forEachCompressedTriple(n, [&](Eigen::Index col, Eigen::Index i, Eigen::Index j, Eigen::Index k) {
        const int count = permutationColumns(n, i, j, k, cols);
        for (int p = 0; p < count; ++p) Gc.col(col) += G.col(cols[p]);
    });
    return Gc;
}

Eigen::MatrixXd expandCubic(const Eigen::MatrixXd& Gc, Eigen::Index n) {
    if (Gc.cols() != compressedCubicSize(n))
        throw Error("expandCubic", "expected " + std::to_string(compressedCubicSize(n)) + " columns for n = " + std::to_string(n) +
                                       ", found " + std::to_string(Gc.cols()));
    Eigen::MatrixXd G = Eigen::MatrixXd::Zero(Gc.rows(), n * n * n);
    std::array<Eigen::Index, 6> cols{};
    forEachCompressedTriple(n, [&](Eigen::Index col, Eigen::Index i, Eigen::Index j, Eigen::Index k) {
        const int count = permutationColumns(n, i, j, k, cols);
        for (int p = 0; p < count; ++p) G.col(cols[p]) = Gc.col(col) / static_cast<double>(count);
    });
    return G;
}

Eigen::MatrixXd inputStateColumns(const Eigen::MatrixXd& U, const Eigen::MatrixXd& X) {
    if (U.cols() != X.cols())
        throw Error("inputStateColumns", "inputs have " + std::to_string(U.cols()) + " samples, states " + std::to_string(X.cols()));
    const Eigen::Index m = U.rows(), n = X.rows();
    Eigen::MatrixXd out(m * n, X.cols());
    for (Eigen::Index j = 0; j < m; ++j) out.middleRows(j * n, n) = X.array().rowwise() * U.row(j).array();
    return out;
}

}  // namespace sd::opinf
