// Structural ops: reductions/broadcasting, slicing, concatenation, diagonals, triangular masks, norms.
#include "core/autodiff/broadcast.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::ad {

namespace {

using detail::addReduced;

MatrixXd reducedValue(const MatrixXd& a, Index r, Index c) {
    MatrixXd y = MatrixXd::Zero(r, c);
    addReduced(a, y);
    return y;
}

class SumToShapeNode final : public Node {
public:
    SumToShapeNode(const Var& a, Index r, Index c) : Node({a}, reducedValue(a.value(), r, c)) {}
    const char* name() const override { return "sumToShape"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        MatrixXd& t = *gi[0];
        if (g.rows() == t.rows() && g.cols() == t.cols()) t += g;
        else if (g.size() == 1) t.array() += g(0, 0);
        else if (g.rows() == 1) t.rowwise() += g.row(0);
        else t.colwise() += g.col(0);
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {broadcastTo(g, inputs_[0].rows(), inputs_[0].cols())};
    }
};

class BroadcastToNode final : public Node {
public:
    BroadcastToNode(const Var& a, Index r, Index c) : Node({a}, a.value().replicate(r / a.rows(), c / a.cols())) {}
    const char* name() const override { return "broadcastTo"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { addReduced(g, *gi[0]); }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {sumToShape(g, inputs_[0].rows(), inputs_[0].cols())};
    }
};

class BlockNode final : public Node {
public:
    BlockNode(const Var& a, Index i, Index j, Index p, Index q)
        : Node({a}, a.value().block(i, j, p, q)), i_(i), j_(j) {}
    const char* name() const override { return "block"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        gi[0]->block(i_, j_, g.rows(), g.cols()) += g;
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {padBlock(g, i_, j_, inputs_[0].rows(), inputs_[0].cols())};
    }

private:
    Index i_, j_;
};

MatrixXd paddedValue(const MatrixXd& a, Index i, Index j, Index r, Index c) {
    MatrixXd y = MatrixXd::Zero(r, c);
    y.block(i, j, a.rows(), a.cols()) = a;
    return y;
}

class PadBlockNode final : public Node {
public:
    PadBlockNode(const Var& a, Index i, Index j, Index r, Index c)
        : Node({a}, paddedValue(a.value(), i, j, r, c)), i_(i), j_(j) {}
    const char* name() const override { return "padBlock"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        *gi[0] += g.block(i_, j_, gi[0]->rows(), gi[0]->cols());
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {block(g, i_, j_, inputs_[0].rows(), inputs_[0].cols())};
    }

private:
    Index i_, j_;
};

MatrixXd concatValue(const std::vector<Var>& parts, bool horizontal) {
    Index r = 0, c = 0;
    for (const Var& p : parts) {
        if (horizontal) { r = p.rows(); c += p.cols(); }
        else { r += p.rows(); c = p.cols(); }
    }
    MatrixXd y(r, c);
    Index off = 0;
    for (const Var& p : parts) {
        if (horizontal) { y.middleCols(off, p.cols()) = p.value(); off += p.cols(); }
        else { y.middleRows(off, p.rows()) = p.value(); off += p.rows(); }
    }
    return y;
}

class ConcatNode final : public Node {
public:
    ConcatNode(const std::vector<Var>& parts, bool horizontal)
        : Node(parts, concatValue(parts, horizontal)), horizontal_(horizontal) {}
    const char* name() const override { return horizontal_ ? "hcat" : "vcat"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        Index off = 0;
        for (std::size_t k = 0; k < inputs_.size(); ++k) {
            const Index n = horizontal_ ? inputs_[k].cols() : inputs_[k].rows();
            if (gi[k]) *gi[k] += horizontal_ ? MatrixXd(g.middleCols(off, n)) : MatrixXd(g.middleRows(off, n));
            off += n;
        }
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        std::vector<Var> r(inputs_.size());
        Index off = 0;
        for (std::size_t k = 0; k < inputs_.size(); ++k) {
            const Index n = horizontal_ ? inputs_[k].cols() : inputs_[k].rows();
            if (inputs_[k].requiresGrad()) r[k] = horizontal_ ? colsOf(g, off, n) : rowsOf(g, off, n);
            off += n;
        }
        return r;
    }

private:
    bool horizontal_;
};

class DiagonalNode final : public Node {
public:
    explicit DiagonalNode(const Var& a) : Node({a}, a.value().diagonal()) {}
    const char* name() const override { return "diagonal"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { gi[0]->diagonal() += g.col(0); }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {diagMatrix(g, inputs_[0].rows(), inputs_[0].cols())};
    }
};

MatrixXd diagMatrixValue(const MatrixXd& v, Index r, Index c) {
    MatrixXd y = MatrixXd::Zero(r, c);
    y.diagonal() = v.col(0);
    return y;
}

class DiagMatrixNode final : public Node {
public:
    DiagMatrixNode(const Var& v, Index r, Index c) : Node({v}, diagMatrixValue(v.value(), r, c)) {}
    const char* name() const override { return "diagMatrix"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { gi[0]->col(0) += g.diagonal(); }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override { return {diagonal(g)}; }
};

// Keeps entries with lower ? (j − i ≤ k) : (j − i ≥ k).
MatrixXd triangularMasked(const MatrixXd& a, bool lower, Index k) {
    MatrixXd y = a;
    for (Index j = 0; j < y.cols(); ++j)
        for (Index i = 0; i < y.rows(); ++i)
            if (lower ? (j - i > k) : (j - i < k)) y(i, j) = 0.0;
    return y;
}

class TriangularMaskNode final : public Node {
public:
    TriangularMaskNode(const Var& a, bool lower, Index k)
        : Node({a}, triangularMasked(a.value(), lower, k)), lower_(lower), k_(k) {}
    const char* name() const override { return lower_ ? "tril" : "triu"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        *gi[0] += triangularMasked(g, lower_, k_);
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {lower_ ? tril(g, k_) : triu(g, k_)};
    }

private:
    bool lower_;
    Index k_;
};

void checkBlock(const char* op, const MatrixXd& a, Index i, Index j, Index p, Index q) {
    if (i < 0 || j < 0 || p < 0 || q < 0 || i + p > a.rows() || j + q > a.cols())
        throw Error(std::string("ad::") + op, "block (" + std::to_string(i) + "," + std::to_string(j) + ") of size " +
                                                  shapeString(p, q) + " exceeds a " + shapeString(a) + " matrix");
}

}  // namespace

Var sumToShape(const Var& a, Index rows, Index cols) {
    if (!((rows == 1 || rows == a.rows()) && (cols == 1 || cols == a.cols())))
        throw Error("ad::sumToShape", "cannot sum " + shapeString(a.value()) + " down to " + shapeString(rows, cols));
    if (rows == a.rows() && cols == a.cols()) return a;
    return makeVar<SumToShapeNode>(a, rows, cols);
}

Var broadcastTo(const Var& a, Index rows, Index cols) {
    if (!((a.rows() == 1 || a.rows() == rows) && (a.cols() == 1 || a.cols() == cols)))
        throw Error("ad::broadcastTo", "cannot broadcast " + shapeString(a.value()) + " to " + shapeString(rows, cols));
    if (rows == a.rows() && cols == a.cols()) return a;
    return makeVar<BroadcastToNode>(a, rows, cols);
}

Var sum(const Var& a) { return sumToShape(a, 1, 1); }
Var mean(const Var& a) { return scale(sum(a), 1.0 / static_cast<double>(a.value().size())); }
Var colwiseSum(const Var& a) { return sumToShape(a, 1, a.cols()); }
Var colwiseMean(const Var& a) { return scale(colwiseSum(a), 1.0 / static_cast<double>(a.rows())); }
Var rowwiseSum(const Var& a) { return sumToShape(a, a.rows(), 1); }
Var rowwiseMean(const Var& a) { return scale(rowwiseSum(a), 1.0 / static_cast<double>(a.cols())); }

Var squaredNorm(const Var& a) { return sum(square(a)); }
Var frobeniusNorm(const Var& a) { return sqrt(squaredNorm(a)); }
Var colwiseSquaredNorm(const Var& a) { return colwiseSum(square(a)); }
Var colwiseDot(const Var& a, const Var& b) {
    const Var p = mul(a, b);
    return colwiseSum(p);
}

Var block(const Var& a, Index i, Index j, Index p, Index q) {
    checkBlock("block", a.value(), i, j, p, q);
    return makeVar<BlockNode>(a, i, j, p, q);
}
Var rowsOf(const Var& a, Index i, Index p) { return block(a, i, 0, p, a.cols()); }
Var colsOf(const Var& a, Index j, Index q) { return block(a, 0, j, a.rows(), q); }

Var padBlock(const Var& a, Index i, Index j, Index rows, Index cols) {
    if (i < 0 || j < 0 || i + a.rows() > rows || j + a.cols() > cols)
        throw Error("ad::padBlock", "a " + shapeString(a.value()) + " block at (" + std::to_string(i) + "," +
                                        std::to_string(j) + ") does not fit in " + shapeString(rows, cols));
    return makeVar<PadBlockNode>(a, i, j, rows, cols);
}

Var hcat(const std::vector<Var>& parts) {
    if (parts.empty()) throw Error("ad::hcat", "no parts");
    for (const Var& p : parts)
        if (p.rows() != parts[0].rows())
            throw Error("ad::hcat", "row counts differ: " + shapeString(parts[0].value()) + " and " + shapeString(p.value()));
    return makeVar<ConcatNode>(parts, true);
}

Var vcat(const std::vector<Var>& parts) {
    if (parts.empty()) throw Error("ad::vcat", "no parts");
    for (const Var& p : parts)
        if (p.cols() != parts[0].cols())
            throw Error("ad::vcat", "column counts differ: " + shapeString(parts[0].value()) + " and " + shapeString(p.value()));
    return makeVar<ConcatNode>(parts, false);
}

Var diagonal(const Var& a) { return makeVar<DiagonalNode>(a); }

Var diagMatrix(const Var& v, Index rows, Index cols) {
    if (v.cols() != 1 || v.rows() != std::min(rows, cols))
        throw Error("ad::diagMatrix", "expected a " + shapeString(std::min(rows, cols), 1) + " column for a " +
                                          shapeString(rows, cols) + " matrix, got " + shapeString(v.value()));
    return makeVar<DiagMatrixNode>(v, rows, cols);
}

Var asDiagonal(const Var& v) { return diagMatrix(v, v.rows(), v.rows()); }

Var tril(const Var& a, Index k) { return makeVar<TriangularMaskNode>(a, true, k); }
Var triu(const Var& a, Index k) { return makeVar<TriangularMaskNode>(a, false, k); }

Var mseLoss(const Var& a, const Var& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols())
        throw Error("ad::mseLoss", "shapes differ: " + shapeString(a.value()) + " and " + shapeString(b.value()));
    return mean(square(sub(a, b)));
}

}  // namespace sd::ad
