#include "plugins/ren/lbdn.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"

#include <Eigen/LU>
#include <cmath>

namespace sd::ren {

using ad::Var;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

/// [Aᵀ; Bᵀ] = Cayley(XY) as graph nodes: Aᵀ (n×n), Bᵀ (m×n) for XY ((n + m)×n).
std::pair<Var, Var> cayley(const Var& XY, Index n) {
    const Index m = XY.rows() - n;
    const Var X = ad::rowsOf(XY, 0, n);
    const Var eye = Var::constant(MatrixXd::Identity(n, n));
    Var Z = ad::sub(X, ad::transpose(X));
    Var Y;
    if (m > 0) {
        Y = ad::rowsOf(XY, n, m);
        Z = ad::add(Z, ad::matmul(ad::transpose(Y), Y));
    }
    const Var inv = ad::inverse(ad::add(eye, Z));
    const Var At = ad::matmul(ad::sub(eye, Z), inv);
    const Var Bt = m > 0 ? ad::scale(ad::matmul(Y, inv), -2.0) : Var::constant(MatrixXd::Zero(0, n));
    return {At, Bt};
}

/// The same in plain matrices.
std::pair<MatrixXd, MatrixXd> cayley(const MatrixXd& XY, Index n) {
    const Index m = XY.rows() - n;
    const MatrixXd X = XY.topRows(n), Y = XY.bottomRows(m);
    const MatrixXd Z = X - X.transpose() + Y.transpose() * Y;
    const MatrixXd I = MatrixXd::Identity(n, n);
    const MatrixXd inv = (I + Z).inverse();
    return {(I - Z) * inv, -2.0 * Y * inv};
}

}  // namespace

Var activate(RenActivation act, const Var& v) {
    switch (act) {
        case RenActivation::ReLU: return ad::relu(v);
        case RenActivation::Tanh: return ad::tanh(v);
        case RenActivation::Sigmoid: return ad::sigmoid(v);
    }
    return v;
}

std::pair<Var, Var> sandwichCayley(const Var& XY, Index n) { return cayley(XY, n); }

Lbdn::Lbdn(Index nIn, const std::vector<Index>& hidden, Index nOut, double gamma, RenActivation activation, Rng& rng)
    : nIn_(nIn), nOut_(nOut), hidden_(hidden), gamma_(gamma), act_(activation) {
    if (nIn < 1 || nOut < 1) throw Error("ren: lbdn", "needs at least one input and one output channel");
    if (!(gamma > 0.0) || !std::isfinite(gamma)) throw Error("ren: lbdn_gamma", "must be a finite number > 0");
    Index in = nIn;
    for (std::size_t k = 0; k < hidden.size(); ++k) {
        const Index out = hidden[k];
        if (out < 1) throw Error("ren: lbdn_hidden", "widths must be ≥ 1");
        Layer L;
        L.XY = Var::parameter(nn::glorotNormal(rng, in + out, out));
        L.d = Var::parameter(MatrixXd::Zero(out, 1));
        const double bound = 1.0 / std::sqrt(static_cast<double>(in));
        L.b = Var::parameter(rng.uniformMatrix(out, 1, -bound, bound));
        const std::string p = "layer" + std::to_string(k) + ".";
        params_.add(p + "XY", L.XY);
        params_.add(p + "d", L.d);
        params_.add(p + "b", L.b);
        layers_.push_back(L);
        in = out;
    }
    outXY_ = Var::parameter(nn::glorotNormal(rng, nOut + in, nOut));
    outB_ = Var::parameter(MatrixXd::Zero(nOut, 1));
    params_.add("out.XY", outXY_);
    params_.add("out.b", outB_);
}

Lbdn Lbdn::clone() const {
    Lbdn c;
    c.nIn_ = nIn_;
    c.nOut_ = nOut_;
    c.hidden_ = hidden_;
    c.gamma_ = gamma_;
    c.act_ = act_;
    for (std::size_t k = 0; k < layers_.size(); ++k) {
        Layer L{Var::parameter(layers_[k].XY.value()), Var::parameter(layers_[k].d.value()), Var::parameter(layers_[k].b.value())};
        const std::string p = "layer" + std::to_string(k) + ".";
        c.params_.add(p + "XY", L.XY);
        c.params_.add(p + "d", L.d);
        c.params_.add(p + "b", L.b);
        c.layers_.push_back(L);
    }
    c.outXY_ = Var::parameter(outXY_.value());
    c.outB_ = Var::parameter(outB_.value());
    c.params_.add("out.XY", c.outXY_);
    c.params_.add("out.b", c.outB_);
    return c;
}

Var Lbdn::operator()(const Var& U) const {
    if (U.rows() != nIn_) throw Error("ren: lbdn", "inputs need " + std::to_string(nIn_) + " rows, got " + std::to_string(U.rows()));
    const double root2 = std::sqrt(2.0);
    Var h = ad::scale(U, std::sqrt(gamma_));
    for (const Layer& L : layers_) {
        const auto [At, Bt] = cayley(L.XY, L.d.rows());
        const Var v = ad::add(ad::mul(ad::scale(ad::matmul(ad::transpose(Bt), h), root2), ad::exp(ad::scale(L.d, -1.0))), L.b);
        h = ad::scale(ad::matmul(At, ad::mul(ad::exp(L.d), activate(act_, v))), root2);
    }
    const auto [At, Bt] = cayley(outXY_, nOut_);
    (void)At;
    return ad::add(ad::scale(ad::matmul(ad::transpose(Bt), h), std::sqrt(gamma_)), outB_);
}

MatrixXd Lbdn::evaluate(const MatrixXd& U) const {
    ad::NoGradGuard guard;
    return (*this)(Var::constant(U)).value();
}

MatrixXd Lbdn::jacobian(const Eigen::VectorXd& u) const {
    // J = √γ B_out · Π_k (2 A_kᵀ Ψ_k D_k Ψ_k⁻¹ B_k) · √γ, D_k = diag σ'(v_k), in plain matrices.
    MatrixXd J = std::sqrt(gamma_) * MatrixXd::Identity(nIn_, nIn_);
    Eigen::VectorXd h = std::sqrt(gamma_) * u;
    for (const Layer& L : layers_) {
        const auto [At, Bt] = cayley(L.XY.value(), L.d.rows());
        const Eigen::VectorXd psi = L.d.value().col(0).array().exp();
        const Eigen::VectorXd v = (std::sqrt(2.0) * (Bt.transpose() * h).array() / psi.array()).matrix() + L.b.value().col(0);
        Eigen::VectorXd slope(v.size()), w(v.size());
        for (Index i = 0; i < v.size(); ++i) {
            slope[i] = activateSlope(act_, v[i]);
            w[i] = activate(act_, v[i]);
        }
        // layer Jacobian: √2 Aᵀ Ψ D √2 Ψ⁻¹ B = 2 Aᵀ D B (Ψ and Ψ⁻¹ commute with the diagonal D)
        J = 2.0 * At * slope.asDiagonal() * Bt.transpose() * J;
        h = std::sqrt(2.0) * At * (psi.array() * w.array()).matrix();
    }
    const auto [At, Bt] = cayley(outXY_.value(), nOut_);
    (void)At;
    return std::sqrt(gamma_) * Bt.transpose() * J;
}

double Lbdn::orthogonalityResidual() const {
    double worst = 0.0;
    auto check = [&](const MatrixXd& XY, Index n) {
        const auto [At, Bt] = cayley(XY, n);
        MatrixXd Q(At.rows() + Bt.rows(), n);
        Q << At, Bt;
        worst = std::max(worst, (Q.transpose() * Q - MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff());
    };
    for (const Layer& L : layers_) check(L.XY.value(), L.d.rows());
    check(outXY_.value(), nOut_);
    return worst;
}

}  // namespace sd::ren
