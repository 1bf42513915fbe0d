#include "core/lyapunov/residual_warp.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"

#include <cmath>

namespace sd::lyap {

namespace {
constexpr double kNormFloor = 1e-12;  // keeps s finite when A or B is zero (R is then zero anyway)
}

ResidualWarp::ResidualWarp(Eigen::Index n, Eigen::Index hidden, double lipschitz, Rng& rng) : gamma_(lipschitz) {
    if (n < 1) throw Error("lyapunov-net warp", "state dimension must be ≥ 1, got " + std::to_string(n));
    if (hidden < 1) throw Error("lyapunov-net warp", "warp_hidden must be ≥ 1, got " + std::to_string(hidden));
    if (!(lipschitz > 0.0 && lipschitz < 1.0))
        throw Error("lyapunov-net warp", "warp_lipschitz must lie in (0, 1) for F to be invertible, got " + std::to_string(lipschitz));
    A_ = ad::Var::parameter(nn::kaimingUniform(rng, hidden, n));
    a_ = ad::Var::parameter(nn::uniformBias(rng, hidden, n));
    B_ = ad::Var::parameter(nn::kaimingUniform(rng, n, hidden));
}

ResidualWarp::Evaluation ResidualWarp::evaluate(const ad::Var& x) const {
    if (x.rows() != A_.cols())
        throw Error("lyapunov-net warp", "expected " + std::to_string(A_.cols()) + " rows, got " + ad::shapeString(x.value()));
    Evaluation e;
    e.scale = gamma_ / ad::sqrt(ad::mul(ad::squaredNorm(A_), ad::squaredNorm(B_)) + kNormFloor);
    e.t = ad::tanh(ad::linear(A_, x, a_));
    e.y = ad::add(x, ad::mul(ad::matmul(B_, e.t), e.scale));
    return e;
}

ad::Var ResidualWarp::jacobianTranspose(const Evaluation& e, const ad::Var& v) const {
    const ad::Var inner = ad::mul(1.0 - ad::square(e.t), ad::matmul(ad::transpose(B_), v));
    return ad::add(v, ad::mul(ad::matmul(ad::transpose(A_), inner), e.scale));
}

double ResidualWarp::lipschitzBound() const {
    const double nA = A_.value().squaredNorm(), nB = B_.value().squaredNorm();
    return gamma_ / std::sqrt(nA * nB + kNormFloor) * std::sqrt(nA * nB);
}

Eigen::MatrixXd ResidualWarp::apply(const Eigen::MatrixXd& X) const {
    const Eigen::MatrixXd& A = A_.value();
    const Eigen::MatrixXd& B = B_.value();
    const double s = gamma_ / std::sqrt(A.squaredNorm() * B.squaredNorm() + kNormFloor);
    Eigen::MatrixXd pre = A * X;
    pre.colwise() += a_.value().col(0);
    return X + s * (B * pre.array().tanh().matrix());
}

Eigen::MatrixXd ResidualWarp::inverse(const Eigen::MatrixXd& Y, double tol, int maxIterations) const {
    Eigen::MatrixXd X = Y;
    for (int it = 0; it < maxIterations; ++it) {
        const Eigen::MatrixXd next = Y - (apply(X) - X);
        const Eigen::RowVectorXd change = (next - X).colwise().norm();
        const Eigen::RowVectorXd scale = (1.0 + Y.colwise().norm().array()).matrix();
        X = next;
        if (((change.array() / scale.array()) <= tol).all()) return X;
    }
    throw Error("lyapunov-net warp", "fixed-point inverse did not converge in " + std::to_string(maxIterations) + " iterations");
}

nn::ParameterSet ResidualWarp::parameters() const {
    nn::ParameterSet p;
    p.add("A", A_);
    p.add("a", a_);
    p.add("B", B_);
    return p;
}

}  // namespace sd::lyap
