// Linear-algebra ops: matmul, fused linear, transpose, solve, inverse, triangular solve.
#include "core/autodiff/ops.h"
#include "core/common/error.h"

#include <Eigen/LU>
#include <limits>

namespace sd::ad {

namespace {

[[noreturn]] void shapeError(const char* op, const std::string& what, const MatrixXd& a, const MatrixXd& b) {
    throw Error(std::string("ad::") + op, what + ": " + shapeString(a) + " and " + shapeString(b));
}

class MatMulNode final : public Node {
public:
    MatMulNode(const Var& a, const Var& b) : Node({a, b}, a.value() * b.value()) {}
    const char* name() const override { return "matmul"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        if (gi[0]) gi[0]->noalias() += g * inputs_[1].value().transpose();
        if (gi[1]) gi[1]->noalias() += inputs_[0].value().transpose() * g;
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        std::vector<Var> r(2);
        if (inputs_[0].requiresGrad()) r[0] = matmul(g, transpose(inputs_[1]));
        if (inputs_[1].requiresGrad()) r[1] = matmul(transpose(inputs_[0]), g);
        return r;
    }
};

MatrixXd linearValue(const MatrixXd& W, const MatrixXd& x, const MatrixXd* b) {
    MatrixXd y(W.rows(), x.cols());
    y.noalias() = W * x;
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
        if (gi[0]) gi[0]->noalias() += g * inputs_[1].value().transpose();
        if (gi[1]) gi[1]->noalias() += inputs_[0].value().transpose() * g;
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

class SolveNode final : public Node {
public:
    SolveNode(const Var& M, const Var& B, Eigen::PartialPivLU<MatrixXd> lu)
        : Node({M, B}, lu.solve(B.value())), lu_(std::move(lu)) {}
    const char* name() const override { return "solve"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd Bbar = lu_.transpose().solve(g);
        if (gi[0]) gi[0]->noalias() -= Bbar * value_.transpose();
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
    InverseNode(const Var& M, const Eigen::PartialPivLU<MatrixXd>& lu) : Node({M}, lu.inverse()) {}
    const char* name() const override { return "inverse"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        gi[0]->noalias() -= value_.transpose() * g * value_.transpose();
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
            const MatrixXd full = Bbar * value_.transpose();
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

Var matmul(const Var& a, const Var& b) {
    if (a.cols() != b.rows()) shapeError("matmul", "inner dimensions differ", a.value(), b.value());
    return makeVar<MatMulNode>(a, b);
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
