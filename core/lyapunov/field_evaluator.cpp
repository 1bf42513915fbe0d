#include "core/lyapunov/field_evaluator.h"

#include "core/autodiff/gemm.h"
#include "core/autodiff/piecewise_kernels.h"
#include "core/common/error.h"

#include <cmath>

namespace sd::lyap {

namespace {

double softplus(double a) { return a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)); }

void activate(Eigen::MatrixXd& A, const nn::Activation& act) {
    switch (act.kind) {
        case nn::ActivationKind::ReLU: A = A.cwiseMax(0.0); break;
        case nn::ActivationKind::Tanh: A = A.array().tanh().matrix(); break;
        case nn::ActivationKind::Softplus: A = A.unaryExpr([](double a) { return softplus(a); }); break;
        case nn::ActivationKind::Identity: break;
        default: throw Error("lyapunov-net evaluator", "unsupported f̂ activation '" + act.name() + "'");
    }
}

double rehu(double a, double d) { return a <= 0 ? 0.0 : (a < d ? a * a / (2 * d) : a - d / 2); }
double rehuPrime(double a, double d) { return a <= 0 ? 0.0 : (a < d ? a / d : 1.0); }

}  // namespace

FieldEvaluator::FieldEvaluator(const StableDynamics& dyn) : n_(dyn.stateDim()), opt_(dyn.options()) {
    for (const auto& layer : dyn.fhat().layers()) {
        mlpW_.push_back(layer.weight().value());
        mlpB_.push_back(layer.bias().value());
    }
    const nn::ICNN& g = dyn.lyapunov().icnn();
    for (std::size_t i = 0; i < g.W().size(); ++i) {
        W_.push_back(g.W()[i].value());
        b_.push_back(g.b()[i].value());
    }
    for (const auto& U : g.U()) S_.push_back(U.value().unaryExpr([](double a) { return softplus(a); }));
    if (const auto& w = dyn.lyapunov().warp()) {
        warp_ = true;
        const auto p = w->parameters();
        A_ = p.get("A");
        a_ = p.get("a");
        B_ = p.get("B");
        warpScale_ = w->lipschitz() / std::sqrt(A_.squaredNorm() * B_.squaredNorm() + 1e-12);
    }
    offset_ = dyn.lyapunov().frozenOffset();
    if (opt_.fhatCenter) fhatZero_ = mlp(Eigen::MatrixXd::Zero(n_, 1)).col(0);
}

Eigen::MatrixXd FieldEvaluator::mlp(const Eigen::MatrixXd& X) const {
    Eigen::MatrixXd H = X;
    for (std::size_t i = 0; i < mlpW_.size(); ++i) {
        Eigen::MatrixXd A = ad::product(mlpW_[i], H);
        A.colwise() += mlpB_[i].col(0);
        if (i + 1 < mlpW_.size()) activate(A, opt_.activation);
        H = std::move(A);
    }
    return H;
}

Eigen::RowVectorXd FieldEvaluator::warpedG(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient) const {
    Eigen::MatrixXd Y = X, T;
    if (warp_) {
        Eigen::MatrixXd pre = ad::product(A_, X);
        pre.colwise() += a_.col(0);
        T = pre.array().tanh().matrix();
        ad::gemm(warpScale_, B_, false, T, false, 1.0, Y);
    }
    const std::size_t k = W_.size();
    const double d = opt_.lyapunov.innerRehuD;
    std::vector<Eigen::MatrixXd> a(k);
    Eigen::MatrixXd z;
    for (std::size_t i = 0; i < k; ++i) {
        a[i] = ad::product(W_[i], Y);
        a[i].colwise() += b_[i].col(0);
        if (i > 0) ad::gemm(1.0 / static_cast<double>(S_[i - 1].rows()), S_[i - 1], false, z, false, 1.0, a[i]);
        if (i + 1 < k) {
            z.resize(a[i].rows(), a[i].cols());
            ad::detail::rehuValue(a[i].data(), z.data(), a[i].size(), d);
        }
    }
    if (gradient) {
        const Eigen::Index B = X.cols();
        Eigen::MatrixXd G = W_[k - 1].transpose().replicate(1, B);
        Eigen::MatrixXd delta = Eigen::MatrixXd::Ones(1, B);
        for (std::size_t i = k - 1; i-- > 0;) {
            Eigen::MatrixXd back(S_[i].cols(), B);
            ad::gemm(1.0 / static_cast<double>(S_[i].rows()), S_[i], true, delta, false, 0.0, back);
            delta.resize(a[i].rows(), a[i].cols());
            ad::detail::rehuPrimeValue(a[i].data(), delta.data(), a[i].size(), d);
            delta.array() *= back.array();
            ad::gemm(1.0, W_[i], true, delta, false, 1.0, G);
        }
        if (warp_) {
            const Eigen::MatrixXd inner = (1.0 - T.array().square()).matrix().cwiseProduct(ad::product(B_, true, G, false));
            ad::gemm(warpScale_, A_, true, inner, false, 1.0, G);
        }
        *gradient = std::move(G);
    }
    return a[k - 1];
}

Eigen::RowVectorXd FieldEvaluator::lyapunov(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient) const {
    if (X.rows() != n_)
        throw Error("lyapunov-net evaluator", "expected states with " + std::to_string(n_) + " rows, got " + std::to_string(X.rows()));
    const Eigen::RowVectorXd g = warpedG(X, gradient);
    const double c = opt_.lyapunov.g0Mode == G0Mode::Recompute ? warpedG(Eigen::MatrixXd::Zero(n_, 1), nullptr)(0) : offset_;
    const double D = opt_.lyapunov.outerRehuD, eps = opt_.lyapunov.eps;
    Eigen::RowVectorXd V(X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double inner = g[j] - c;
        V[j] = rehu(inner, D) + eps * X.col(j).squaredNorm();
        if (gradient) gradient->col(j) = gradient->col(j) * rehuPrime(inner, D) + 2.0 * eps * X.col(j);
    }
    return V;
}

FieldEvaluator::Result FieldEvaluator::evaluate(const Eigen::MatrixXd& X) const {
    Result r;
    r.V = lyapunov(X, &r.gradV);
    r.fhat = mlp(X);
    if (opt_.fhatCenter) r.fhat.colwise() -= fhatZero_;
    r.f = r.fhat;
    const double alpha = opt_.alpha, deps = opt_.projDenominatorEps;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double violation = std::max(0.0, r.gradV.col(j).dot(r.fhat.col(j)) + alpha * r.V[j]);
        double den = r.gradV.col(j).squaredNorm() + deps;
        if (den == 0.0) den = 1.0;  // zero-denominator rule: ∇V = 0, the correction vanishes
        r.f.col(j) -= r.gradV.col(j) * (violation / den);
    }
    return r;
}

}  // namespace sd::lyap
