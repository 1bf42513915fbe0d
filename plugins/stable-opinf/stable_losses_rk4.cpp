// rk4OneStepLoss — the RK4 one-step loss of stable-OpInf as one fused graph node (stable_losses.h).
//
// Layout: samples are ROWS here (P×n states, transposed once from the pairs), so that every per-stage
// product is a tall-skinny GEMM with the sample count as its long side, the quadratic features are
// contiguous column products, and the per-sample step sizes scale columns.
//
// Forward, stage j = 1..4 with state Y_j (P×n) and input U_j (U0, Umid, Umid, U1):
//   D_j = [Y_j, Q(Y_j), U_j, 1]   (P×d, Q the n(n+1)/2 products y_i·y_k, k ≤ i, quadratic_terms.h order)
//   K_j = D_j·Oᵀ                   (P×n, O = [A H̃ B c] with H̃ = compressQuadratic(H))
//   Y_1 = X0, Y_2 = X0 + (h/2)⊙K_1, Y_3 = X0 + (h/2)⊙K_2, Y_4 = X0 + h⊙K_3,
//   pred = X0 + (h/6)⊙((K_1 + K_4) + 2(K_2 + K_3)),  loss = Σ_p w_p‖pred_p − X1_p‖², w_p = 1/(n·P·h_p).
// Reverse: K̄_4 = ī, K̄_3 = 2ī + h⊙Ȳ_4, K̄_2 = 2ī + (h/2)⊙Ȳ_3, K̄_1 = ī + (h/2)⊙Ȳ_2 with ī = (h/6)⊙2ḡw⊙(pred − X1)
// and Ȳ_j = K̄_j·A + Q'(Y_j)ᵀ(K̄_j·H̃); then Ō = Σ_j K̄_jᵀ D_j is ONE product over the stacked stages, and
// H̄ is H̄̃ spread to both Kronecker columns of each pair (the adjoint of compressQuadratic).
#include "plugins/stable-opinf/stable_losses.h"

#include "core/autodiff/backward.h"
#include "core/autodiff/gemm.h"
#include "core/common/error.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <memory>

namespace sd::opinf {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

/// Which operators are present, and the column offsets of [A H̃ B c] in O and D.
struct Layout {
    Index n = 0, s = 0, m = 0;
    bool hasH = false, hasB = false, hasC = false;
    Index cols() const { return n + s + m + (hasC ? 1 : 0); }
};

/// Q(Y): column i(i+1)/2 + k is Y_i ⊙ Y_k (k ≤ i), written into `out` (P×s).
void quadraticFeatures(const MatrixXd& Y, Eigen::Ref<MatrixXd> out) {
    Index col = 0;
    for (Index i = 0; i < Y.cols(); ++i)
        for (Index k = 0; k <= i; ++k, ++col) out.col(col).array() = Y.col(k).array() * Y.col(i).array();
}

/// Ȳ += Q'(Y)ᵀ W for W = ∂L/∂Q (P×s): Ȳ_i += W_(i,k) ⊙ Y_k and Ȳ_k += W_(i,k) ⊙ Y_i.
void quadraticFeaturesAdjointAdd(const Eigen::Ref<const MatrixXd>& Y, const Eigen::Ref<const MatrixXd>& W, MatrixXd& Ybar) {
    Index col = 0;
    for (Index i = 0; i < Y.cols(); ++i)
        for (Index k = 0; k <= i; ++k, ++col) {
            if (k == i) {
                Ybar.col(i).array() += 2.0 * W.col(col).array() * Y.col(i).array();
            } else {
                Ybar.col(i).array() += W.col(col).array() * Y.col(k).array();
                Ybar.col(k).array() += W.col(col).array() * Y.col(i).array();
            }
        }
}

class Rk4OneStepLossNode final : public ad::Node {
public:
    Rk4OneStepLossNode(std::vector<ad::Var> inputs, const Layout& layout, const Rk4Pairs& p)
        : Node(std::move(inputs), MatrixXd::Zero(1, 1)), L_(layout), P_(p.size()) {
        const Index n = L_.n, P = P_;
        X0_ = p.X0.transpose();
        X1_ = p.X1.transpose();
        if (L_.m > 0) {
            U0_ = p.U0.transpose();
            Um_ = p.Umid.transpose();
            U1_ = p.U1.transpose();
        }
        h_ = p.dt.transpose();
        O_ = operatorMatrix();
        D_.resize(4 * P, L_.cols());
        K_.resize(4 * P, n);
        const VectorXd half = 0.5 * h_;
        MatrixXd Y = X0_;
        for (int j = 0; j < 4; ++j) {
            auto Dj = D_.middleRows(j * P, P);
            Dj.leftCols(n) = Y;
            if (L_.hasH) quadraticFeatures(Y, Dj.middleCols(n, L_.s));
            if (L_.m > 0) Dj.middleCols(n + L_.s, L_.m) = j == 0 ? U0_ : (j == 3 ? U1_ : Um_);
            if (L_.hasC) Dj.rightCols(1).setOnes();
            auto Kj = K_.middleRows(j * P, P);
            ad::gemm(1.0, Dj, false, O_, true, 0.0, Kj);
            if (j < 3) Y = X0_ + (Kj.array().colwise() * (j == 2 ? h_ : half).array()).matrix();
        }
        const auto K1 = K_.middleRows(0, P), K2 = K_.middleRows(P, P), K3 = K_.middleRows(2 * P, P), K4 = K_.middleRows(3 * P, P);
        const MatrixXd incr = (K1 + K4) + 2.0 * (K2 + K3);
        residual_ = X0_ + (incr.array().colwise() * (h_ / 6.0).array()).matrix() - X1_;
        weight_ = (1.0 / (static_cast<double>(n) * static_cast<double>(P))) * h_.cwiseInverse();
        value_(0, 0) = (residual_.array().square().colwise() * weight_.array()).sum();
    }

    const char* name() const override { return "rk4OneStepLoss"; }

    void backward(const MatrixXd& gradOutput, std::span<MatrixXd* const> gi) const override {
        const Index n = L_.n, P = P_;
        const MatrixXd incrBar =
            (residual_.array().colwise() * (2.0 * gradOutput(0, 0) * weight_.array() * (h_ / 6.0).array())).matrix();
        MatrixXd Kbar(4 * P, n);
        const VectorXd half = 0.5 * h_;
        // Stages 4, 3, 2: K̄_j, then Ȳ_j feeds the previous stage's K̄ (stage 1's input X0 is data).
        Kbar.middleRows(3 * P, P) = incrBar;
        MatrixXd Dbar(P, n + L_.s), Ybar(P, n);
        for (int j = 3; j >= 1; --j) {
            const auto Kj = Kbar.middleRows(j * P, P);
            ad::gemm(1.0, Kj, false, O_.leftCols(n + L_.s), false, 0.0, Dbar);
            Ybar = Dbar.leftCols(n);
            if (L_.hasH) quadraticFeaturesAdjointAdd(D_.middleRows(j * P, P).leftCols(n), Dbar.rightCols(L_.s), Ybar);
            const VectorXd& step = j == 3 ? h_ : half;
            const double direct = j == 1 ? 1.0 : 2.0;  // K̄_1 = ī + …, K̄_2, K̄_3 = 2ī + …
            Kbar.middleRows((j - 1) * P, P) = direct * incrBar + (Ybar.array().colwise() * step.array()).matrix();
        }
        MatrixXd Obar(n, L_.cols());
        ad::gemm(1.0, Kbar, true, D_, false, 0.0, Obar);
        std::size_t in = 0;
        if (gi[in]) *gi[in] += Obar.leftCols(n);
        ++in;
        if (L_.hasH) {
            if (gi[in]) {
                MatrixXd& Hbar = *gi[in];
                Index col = 0;
                for (Index i = 0; i < n; ++i)
                    for (Index k = 0; k <= i; ++k, ++col) {
                        Hbar.col(i * n + k) += Obar.col(n + col);
                        if (k != i) Hbar.col(k * n + i) += Obar.col(n + col);
                    }
            }
            ++in;
        }
        if (L_.hasB) {
            if (gi[in]) *gi[in] += Obar.middleCols(n + L_.s, L_.m);
            ++in;
        }
        if (L_.hasC && gi[in]) *gi[in] += Obar.rightCols(1);
    }

    // Second order (rarely needed): differentiate the composite graph of the same loss.
    std::vector<ad::Var> backwardGraph(const ad::Var&, const ad::Var& g) const override {
        std::size_t in = 0;
        OperatorVars ops;
        ops.A = inputs_[in++];
        if (L_.hasH) ops.H = inputs_[in++];
        if (L_.hasB) ops.B = inputs_[in++];
        if (L_.hasC) ops.c = inputs_[in++];
        Rk4Pairs p;
        p.X0 = X0_.transpose();
        p.X1 = X1_.transpose();
        p.U0 = L_.m > 0 ? MatrixXd(U0_.transpose()) : MatrixXd(0, P_);
        p.Umid = L_.m > 0 ? MatrixXd(Um_.transpose()) : MatrixXd(0, P_);
        p.U1 = L_.m > 0 ? MatrixXd(U1_.transpose()) : MatrixXd(0, P_);
        p.dt = h_.transpose();
        const ad::Var loss = rk4OneStepLossComposite(ops, p);
        std::vector<ad::Var> wrt;
        for (const ad::Var& v : inputs_) wrt.push_back(v);
        std::vector<ad::Var> out = ad::grad(loss, wrt, true, g);
        for (std::size_t i = 0; i < out.size(); ++i)
            if (!inputs_[i].requiresGrad()) out[i] = ad::Var();
        return out;
    }

private:
    /// O = [A H̃ B c] from the current input values.
    MatrixXd operatorMatrix() const {
        MatrixXd O(L_.n, L_.cols());
        std::size_t in = 0;
        O.leftCols(L_.n) = inputs_[in++].value();
        if (L_.hasH) O.middleCols(L_.n, L_.s) = compressQuadratic(inputs_[in++].value());
        if (L_.hasB) O.middleCols(L_.n + L_.s, L_.m) = inputs_[in++].value();
        if (L_.hasC) O.rightCols(1) = inputs_[in++].value();
        return O;
    }

    Layout L_;
    Index P_;
    MatrixXd X0_, X1_, U0_, Um_, U1_;  // P×n, P×m (transposed pairs)
    VectorXd h_, weight_;              // P
    MatrixXd O_;                       // n×d
    MatrixXd D_;                       // 4P×d: the stacked stage regressors
    MatrixXd K_;                       // 4P×n: the stage derivatives
    MatrixXd residual_;                // P×n: pred − X1
};

}  // namespace

ad::Var rk4OneStepLoss(const OperatorVars& ops, const Rk4Pairs& p) {
    const Index P = p.size();
    if (P == 0) throw Error("stable-opinf RK4 loss", "no sample pairs");
    if (!ops.A.defined()) throw Error("stable-opinf RK4 loss", "the operator A is required");
    Layout L;
    L.n = ops.A.rows();
    if (ops.A.cols() != L.n || p.X0.rows() != L.n || p.X1.rows() != L.n || p.X1.cols() != P || p.dt.size() != P)
        throw Error("stable-opinf RK4 loss", "operators " + ad::shapeString(ops.A.value()) + " do not match pairs of " +
                                                 std::to_string(p.X0.rows()) + "-dimensional states");
    std::vector<ad::Var> inputs{ops.A};
    if (ops.H.defined()) {
        if (ops.H.rows() != L.n || ops.H.cols() != L.n * L.n)
            throw Error("stable-opinf RK4 loss", "H must be " + ad::shapeString(L.n, L.n * L.n) + ", found " + ad::shapeString(ops.H.value()));
        L.hasH = true;
        L.s = compressedQuadraticSize(L.n);
        inputs.push_back(ops.H);
    }
    if (ops.B.defined()) {
        L.hasB = true;
        L.m = ops.B.cols();
        if (ops.B.rows() != L.n || p.U0.rows() != L.m || p.U0.cols() != P || p.Umid.cols() != P || p.U1.cols() != P)
            throw Error("stable-opinf RK4 loss", "B " + ad::shapeString(ops.B.value()) + " does not match inputs with " +
                                                     std::to_string(p.U0.rows()) + " rows");
        inputs.push_back(ops.B);
    }
    if (ops.c.defined()) {
        if (ops.c.rows() != L.n || ops.c.cols() != 1) throw Error("stable-opinf RK4 loss", "c must be " + ad::shapeString(L.n, 1));
        L.hasC = true;
        inputs.push_back(ops.c);
    }
    return ad::makeVar<Rk4OneStepLossNode>(std::move(inputs), L, p);
}

}  // namespace sd::opinf
