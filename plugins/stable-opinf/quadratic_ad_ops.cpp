#include "plugins/stable-opinf/quadratic_ad_ops.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::opinf {

namespace {

using ad::Index;
using ad::MatrixXd;
using ad::Var;

Index blockCount(const MatrixXd& H, const char* op) {
    const Index n = H.rows();
    if (H.cols() != n * n)
        throw Error(std::string("opinf::") + op, "expected an n×n² matrix, found " + ad::shapeString(H));
    return n;
}

MatrixXd kronSquareValue(const MatrixXd& X) {
    const Index n = X.rows();
    MatrixXd K(n * n, X.cols());
    for (Index i = 0; i < n; ++i) K.middleRows(i * n, n) = X.array().rowwise() * X.row(i).array();
    return K;
}

class KronSquareNode final : public ad::Node {
public:
    explicit KronSquareNode(const Var& X) : Node({X}, kronSquareValue(X.value())) {}
    const char* name() const override { return "kronSquare"; }
    // ∂/∂X[p] = Σ_k G[p·n + k] X[k] + Σ_i G[i·n + p] X[i]  (per column).
    void backward(const MatrixXd& G, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& X = inputs_[0].value();
        const Index n = X.rows();
        MatrixXd& gX = *gi[0];
        for (Index i = 0; i < n; ++i) {
            const auto Gi = G.middleRows(i * n, n);
            gX.row(i) += (Gi.array() * X.array()).colwise().sum().matrix();
            gX.array() += Gi.array().rowwise() * X.row(i).array();
        }
    }
    std::vector<Var> backwardGraph(const Var&, const Var& G) const override {
        const Var& X = inputs_[0];
        const Index n = X.rows();
        std::vector<Var> rows;
        Var second;
        for (Index i = 0; i < n; ++i) {
            const Var Gi = ad::rowsOf(G, i * n, n);
            rows.push_back(ad::colwiseDot(Gi, X));
            const Var term = ad::mul(Gi, ad::rowsOf(X, i, 1));
            second = second.defined() ? ad::add(second, term) : term;
        }
        return {ad::add(ad::vcat(rows), second)};
    }
};

MatrixXd skewBlocksValue(const MatrixXd& T) {
    const Index n = blockCount(T, "skewBlocks");
    MatrixXd H(n, n * n);
    for (Index i = 0; i < n; ++i) {
        const auto Ti = T.middleCols(i * n, n);
        H.middleCols(i * n, n) = Ti - Ti.transpose();
    }
    return H;
}

class SkewBlocksNode final : public ad::Node {
public:
    explicit SkewBlocksNode(const Var& T) : Node({T}, skewBlocksValue(T.value())) {}
    const char* name() const override { return "skewBlocks"; }
    // The map T ↦ [Tᵢ − Tᵢᵀ] is its own adjoint.
    void backward(const MatrixXd& G, std::span<MatrixXd* const> gi) const override { *gi[0] += skewBlocksValue(G); }
    std::vector<Var> backwardGraph(const Var&, const Var& G) const override { return {skewBlocks(G)}; }
};

MatrixXd blocksTimesValue(const MatrixXd& H, const MatrixXd& Q) {
    const Index n = blockCount(H, "blocksTimes");
    if (Q.rows() != n || Q.cols() != n)
        throw Error("opinf::blocksTimes", "Q must be " + ad::shapeString(n, n) + ", found " + ad::shapeString(Q));
    MatrixXd out(n, n * n);
    for (Index i = 0; i < n; ++i) out.middleCols(i * n, n).noalias() = H.middleCols(i * n, n) * Q;
    return out;
}

class BlocksTimesNode final : public ad::Node {
public:
    BlocksTimesNode(const Var& H, const Var& Q) : Node({H, Q}, blocksTimesValue(H.value(), Q.value())) {}
    const char* name() const override { return "blocksTimes"; }
    // Ḡ_H,i = G_i Qᵀ,  Ḡ_Q = Σ_i H_iᵀ G_i.
    void backward(const MatrixXd& G, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& H = inputs_[0].value();
        const MatrixXd& Q = inputs_[1].value();
        const Index n = Q.rows();
        for (Index i = 0; i < n; ++i) {
            if (gi[0]) gi[0]->middleCols(i * n, n).noalias() += G.middleCols(i * n, n) * Q.transpose();
            if (gi[1]) gi[1]->noalias() += H.middleCols(i * n, n).transpose() * G.middleCols(i * n, n);
        }
    }
    std::vector<Var> backwardGraph(const Var&, const Var& G) const override {
        const Var& H = inputs_[0];
        const Var& Q = inputs_[1];
        const Index n = Q.rows();
        Var gQ;
        for (Index i = 0; i < n; ++i) {
            const Var term = ad::matmul(ad::transpose(ad::colsOf(H, i * n, n)), ad::colsOf(G, i * n, n));
            gQ = gQ.defined() ? ad::add(gQ, term) : term;
        }
        return {blocksTimes(G, ad::transpose(Q)), gQ};
    }
};

}  // namespace

ad::Var kronSquare(const ad::Var& X) { return ad::makeVar<KronSquareNode>(X); }
ad::Var skewBlocks(const ad::Var& T) { return ad::makeVar<SkewBlocksNode>(T); }
ad::Var blocksTimes(const ad::Var& H, const ad::Var& Q) { return ad::makeVar<BlocksTimesNode>(H, Q); }

}  // namespace sd::opinf
