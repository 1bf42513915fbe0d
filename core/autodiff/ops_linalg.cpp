// Linear-algebra ops: matmul, fused linear, transpose, solve, inverse, triangular solve.
#include "core/autodiff/gemm.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"

#include <Eigen/LU>
#include <limits>

namespace sd::ad {

namespace {

[[noreturn]] void shapeError(const char* op, const std::string& what, const MatrixXd& a, const MatrixXd& b) {
    throw Error(std::string("ad::") + op, what + ": " + shapeString(a) + " and " + shapeString(b));
}

/// C = alpha·op(A)·op(B) (op = transpose where flagged), without materialising the transposes.
class MatMulNode final : public Node {
public:
    MatMulNode(const Var& a, bool ta, const Var& b, bool tb, double alpha)
        : Node({a, b}, value(a.value(), ta, b.value(), tb, alpha)), ta_(ta), tb_(tb), alpha_(alpha) {}
    const char* name() const override { return "matmul"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& A = inputs_[0].value();
        const MatrixXd& B = inputs_[1].value();
        if (gi[0]) {
            if (!ta_) gemm(alpha_, g, false, B, !tb_, 1.0, *gi[0]);   // Ā += α·G·op(B)ᵀ
            else gemm(alpha_, B, tb_, g, true, 1.0, *gi[0]);          // (Aᵀ)̄ᵀ: Ā += α·op(B)·Gᵀ
        }
        if (gi[1]) {
            if (!tb_) gemm(alpha_, A, !ta_, g, false, 1.0, *gi[1]);   // B̄ += α·op(A)ᵀ·G
            else gemm(alpha_, g, true, A, ta_, 1.0, *gi[1]);          // B̄ += α·Gᵀ·op(A)
        }
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        const Var& A = inputs_[0];
        const Var& B = inputs_[1];
        std::vector<Var> r(2);
        if (A.requiresGrad()) r[0] = !ta_ ? matmul(g, false, B, !tb_, alpha_) : matmul(B, tb_, g, true, alpha_);
        if (B.requiresGrad()) r[1] = !tb_ ? matmul(A, !ta_, g, false, alpha_) : matmul(g, true, A, ta_, alpha_);
        return r;
    }

private:
    static MatrixXd value(const MatrixXd& a, bool ta, const MatrixXd& b, bool tb, double alpha) {
        MatrixXd c(ta ? a.cols() : a.rows(), tb ? b.rows() : b.cols());
        gemm(alpha, a, ta, b, tb, 0.0, c);
        return c;
    }
    bool ta_, tb_;
    double alpha_;
};

MatrixXd linearValue(const MatrixXd& W, const MatrixXd& x, const MatrixXd* b) {
    MatrixXd y(W.rows(), x.cols());
    gemm(1.0, W, false, x, false, 0.0, y);
    if (b) y.colwise() += b->col(0);
    return y;
}

class LinearNode final : public Node {
public:
    LinearNode(const Var& W, const Var& x, const Var& b)
        : Node(b.defined() ? std::vector<Var>{W, x, b} : std::vector<Var>{W, x},
               linearValue(W.value(), x.value(), b.defined() ? &b.value() : nullptr)) {}
    const char* name() const override { return "linear"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        if (gi[0]) gemm(1.0, g, false, inputs_[1].value(), true, 1.0, *gi[0]);
        if (gi[1]) gemm(1.0, inputs_[0].value(), true, g, false, 1.0, *gi[1]);
        if (gi.size() > 2 && gi[2]) *gi[2] += g.rowwise().sum();
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        std::vector<Var> r(inputs_.size());
        if (inputs_[0].requiresGrad()) r[0] = matmul(g, transpose(inputs_[1]));
        if (inputs_[1].requiresGrad()) r[1] = matmul(transpose(inputs_[0]), g);
        if (inputs_.size() > 2 && inputs_[2].requiresGrad()) r[2] = rowwiseSum(g);
        return r;
    }
};

class TransposeNode final : public Node {
public:
    explicit TransposeNode(const Var& a) : Node({a}, a.value().transpose()) {}
    const char* name() const override { return "transpose"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { *gi[0] += g.transpose(); }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override { return {transpose(g)}; }
};

Eigen::PartialPivLU<MatrixXd> factorise(const char* op, const MatrixXd& M) {
    if (M.rows() != M.cols()) throw Error(std::string("ad::") + op, "matrix is not square: " + shapeString(M));
    Eigen::PartialPivLU<MatrixXd> lu(M);
    // rcond estimate guards against silently returning Inf/NaN for singular systems.
    const double rc = M.size() == 0 ? 1.0 : lu.rcond();
    if (!(rc > 4 * std::numeric_limits<double>::epsilon()))
        throw Error(std::string("ad::") + op, "matrix is singular to working precision (rcond " + std::to_string(rc) + ")");
    return lu;
}

// M⁻¹B (transposed: M⁻ᵀB) from an LU factorisation; an empty system has an empty solution. Eigen's triangular
// solves index the null data of empty matrices (undefined behaviour, found by UBSan), so they are not called.
MatrixXd luSolve(const Eigen::PartialPivLU<MatrixXd>& lu, const MatrixXd& B, bool transposed = false) {
    if (lu.rows() == 0 || B.size() == 0) return MatrixXd::Zero(lu.rows(), B.cols());
    return transposed ? MatrixXd(lu.transpose().solve(B)) : MatrixXd(lu.solve(B));
}

class SolveNode final : public Node {
public:
    SolveNode(const Var& M, const Var& B, Eigen::PartialPivLU<MatrixXd> lu)
        : Node({M, B}, luSolve(lu, B.value())), lu_(std::move(lu)) {}
    const char* name() const override { return "solve"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd Bbar = luSolve(lu_, g, /*transposed=*/true);
        if (gi[0]) gemm(-1.0, Bbar, false, value_, true, 1.0, *gi[0]);
        if (gi[1]) *gi[1] += Bbar;
    }
    std::vector<Var> backwardGraph(const Var& self, const Var& g) const override {
        const Var Bbar = solve(transpose(inputs_[0]), g);
        std::vector<Var> r(2);
        if (inputs_[0].requiresGrad()) r[0] = -matmul(Bbar, transpose(self));
        if (inputs_[1].requiresGrad()) r[1] = Bbar;
        return r;
    }

private:
    Eigen::PartialPivLU<MatrixXd> lu_;
};

class InverseNode final : public Node {
public:
    InverseNode(const Var& M, const Eigen::PartialPivLU<MatrixXd>& lu)
        : Node({M}, lu.rows() == 0 ? MatrixXd(0, 0) : MatrixXd(lu.inverse())) {}
    const char* name() const override { return "inverse"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd YtG = product(value_, true, g, false);
        gemm(-1.0, YtG, false, value_, true, 1.0, *gi[0]);
    }
    std::vector<Var> backwardGraph(const Var& self, const Var& g) const override {
        const Var Yt = transpose(self);
        return {-matmul(matmul(Yt, g), Yt)};
    }
};

MatrixXd triSolveValue(const MatrixXd& T, const MatrixXd& B, bool lower) {
    if (lower) return T.triangularView<Eigen::Lower>().solve(B);
    return T.triangularView<Eigen::Upper>().solve(B);
}

class TriangularSolveNode final : public Node {
public:
    TriangularSolveNode(const Var& T, const Var& B, bool lower)
        : Node({T, B}, triSolveValue(T.value(), B.value(), lower)), lower_(lower) {}
    const char* name() const override { return "triangularSolve"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& T = inputs_[0].value();
        // Tᵀ is upper when T is lower.
        const MatrixXd Bbar = lower_ ? MatrixXd(T.transpose().triangularView<Eigen::Upper>().solve(g))
                                     : MatrixXd(T.transpose().triangularView<Eigen::Lower>().solve(g));
        if (gi[0]) {
            const MatrixXd full = product(Bbar, false, value_, true);
            if (lower_) gi[0]->triangularView<Eigen::Lower>() -= full;
            else gi[0]->triangularView<Eigen::Upper>() -= full;
        }
        if (gi[1]) *gi[1] += Bbar;
    }
    std::vector<Var> backwardGraph(const Var& self, const Var& g) const override {
        const Var Bbar = triangularSolve(transpose(inputs_[0]), g, !lower_);
        std::vector<Var> r(2);
        if (inputs_[0].requiresGrad()) {
            const Var full = matmul(Bbar, transpose(self));
            r[0] = -(lower_ ? tril(full, 0) : triu(full, 0));
        }
        if (inputs_[1].requiresGrad()) r[1] = Bbar;
        return r;
    }

private:
    bool lower_;
};

}  // namespace

Var matmul(const Var& a, const Var& b) { return matmul(a, false, b, false, 1.0); }

Var matmul(const Var& a, bool transposeA, const Var& b, bool transposeB, double alpha) {
    if ((transposeA ? a.rows() : a.cols()) != (transposeB ? b.cols() : b.rows()))
        shapeError("matmul", std::string("inner dimensions differ (") + (transposeA ? "Aᵀ" : "A") + "·" + (transposeB ? "Bᵀ" : "B") + ")",
                   a.value(), b.value());
    return makeVar<MatMulNode>(a, transposeA, b, transposeB, alpha);
}

Var linear(const Var& W, const Var& x, const Var& b) {
    if (W.cols() != x.rows()) shapeError("linear", "W columns differ from x rows", W.value(), x.value());
    if (b.defined() && (b.rows() != W.rows() || b.cols() != 1))
        shapeError("linear", "bias must be rows(W)x1", W.value(), b.value());
    return makeVar<LinearNode>(W, x, b);
}

Var transpose(const Var& a) { return makeVar<TransposeNode>(a); }

Var solve(const Var& M, const Var& B) {
    if (M.rows() != B.rows()) shapeError("solve", "row counts differ", M.value(), B.value());
    auto lu = factorise("solve", M.value());
    return makeVar<SolveNode>(M, B, std::move(lu));
}

Var inverse(const Var& M) {
    const auto lu = factorise("inverse", M.value());
    return makeVar<InverseNode>(M, lu);
}

Var triangularSolve(const Var& T, const Var& B, bool lower) {
    if (T.rows() != T.cols()) throw Error("ad::triangularSolve", "matrix is not square: " + shapeString(T.value()));
    if (T.rows() != B.rows()) shapeError("triangularSolve", "row counts differ", T.value(), B.value());
    if ((T.value().diagonal().array() == 0.0).any())
        throw Error("ad::triangularSolve", "zero on the diagonal of a " + shapeString(T.value()) + " triangular matrix");
    return makeVar<TriangularSolveNode>(T, B, lower);
}

}  // namespace sd::ad
