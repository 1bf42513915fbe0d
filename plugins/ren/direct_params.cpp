#include "plugins/ren/direct_params.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"
#include "plugins/ren/parameter_helpers.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

RenInit renInitFromString(const std::string& name) {
    if (name == "random") return RenInit::Random;
    if (name == "paper") return RenInit::Paper;
    if (name == "echo-state") return RenInit::EchoState;
    throw Error("ren: init", "expected random, paper or echo-state, got '" + name + "'");
}

namespace {

bool hasCayleyD22(const RenConfig& c) {
    return (c.renClass == RenClass::Lipschitz && !c.d22Zero) || c.renClass == RenClass::General ||
           c.renClass == RenClass::Passive;
}

/// Upper Cholesky factor X (XᵀX = M) of the LMI assembled from E = F = P = I, B₁ = C₁ = 0 and the
/// given D̃₁₁ and Λ (docs/methods/ren.md §8, init paper), or an empty matrix if M is not positive definite.
MatrixXd choleskyInit(const RenConfig& c, const MatrixXd& D11, const Eigen::VectorXd& lambda) {
    const Index nx = c.nx, nv = c.nv, n = 2 * nx + nv;
    MatrixXd M = MatrixXd::Zero(n, n);
    M.topLeftCorner(nx, nx) = 2.0 * MatrixXd::Identity(nx, nx) - MatrixXd::Identity(nx, nx) / (c.alphaBar * c.alphaBar);
    M.block(nx, nx, nv, nv) = MatrixXd(2.0 * lambda.asDiagonal()) - D11 - D11.transpose();
    M.block(nx + nv, 0, nx, nx) = MatrixXd::Identity(nx, nx);
    M.block(0, nx + nv, nx, nx) = MatrixXd::Identity(nx, nx);
    M.bottomRightCorner(nx, nx) = MatrixXd::Identity(nx, nx);
    M.diagonal().array() += c.epsilon;
    Eigen::LLT<MatrixXd> llt(M);
    if (n > 0 && llt.info() != Eigen::Success) return MatrixXd();
    return llt.matrixU();
}

}  // namespace

nn::ParameterSet initDirectParameters(const RenConfig& c, Rng& rng, RenInit init) {
    const Index nx = c.nx, nv = c.nv, nu = c.nu, ny = c.ny, n = 2 * nx + nv;
    nn::ParameterSet p;
    MatrixXd X, Y1, B2, D12, C2, D21, bv, by;
    Eigen::VectorXd lambda = Eigen::VectorXd::Zero(nv);
    MatrixXd S2 = MatrixXd::Zero(nv, nv);
    switch (init) {
        case RenInit::Random:
            X = glorotOrEmpty(rng, n, n);
            Y1 = glorotOrEmpty(rng, nx, nx);
            B2 = glorotOrEmpty(rng, nx, nu);
            D12 = glorotOrEmpty(rng, nv, nu);
            C2 = glorotOrEmpty(rng, ny, nx);
            D21 = glorotOrEmpty(rng, ny, nv);
            bv = glorotOrEmpty(rng, nv, 1);
            by = glorotOrEmpty(rng, ny, 1);
            if (!c.acyclic) {
                lambda = rng.uniformMatrix(nv, 1, 0.0, 1.0);
                S2 = glorotOrEmpty(rng, nv, nv);
            }
            break;
        case RenInit::Paper: {
            const MatrixXd D11 = rng.normalMatrix(nv, nv) / std::sqrt(std::max<double>(1.0, 2.0 * nv));
            if (!c.acyclic) lambda = rng.uniformMatrix(nv, 1, 0.0, 1.0);
            Eigen::VectorXd lam = c.acyclic ? Eigen::VectorXd::Ones(nv) : Eigen::VectorXd(lambda.array().exp());
            X = choleskyInit(c, D11, lam);
            if (X.size() == 0 && n > 0) {
                // JL #81 / PR #150: Λ = (λmax((D + Dᵀ)/2) + 1e-4) I makes the block positive definite.
                const double top = nv > 0 ? Eigen::SelfAdjointEigenSolver<MatrixXd>(0.5 * (D11 + D11.transpose())).eigenvalues().maxCoeff() : 0.0;
                lam = Eigen::VectorXd::Constant(nv, std::max(top, 0.0) + 1e-4 + 1.0);
                if (!c.acyclic) lambda = lam.array().log();
                X = choleskyInit(c, D11, lam);
                if (X.size() == 0) X = glorotOrEmpty(rng, n, n);  // last resort: the random scheme
            }
            Y1 = rng.normalMatrix(nx, nx) / std::sqrt(std::max<double>(1.0, 2.0 * nx));
            B2 = rng.normalMatrix(nx, nu) / std::sqrt(std::max<double>(1.0, double(nx + nu)));
            D12 = MatrixXd::Zero(nv, nu);
            C2 = rng.normalMatrix(ny, nx) / std::sqrt(std::max<double>(1.0, double(ny + nx)));
            D21 = rng.normalMatrix(ny, nv) / std::sqrt(std::max<double>(1.0, double(ny + nv)));
            bv = rng.normalMatrix(nv, 1) / std::sqrt(std::max<double>(1.0, double(nv)));
            by = rng.normalMatrix(ny, 1) / std::sqrt(std::max<double>(1.0, double(ny)));
            break;
        }
        case RenInit::EchoState:
            X = 2.0 * rng.normalMatrix(n, n) / std::sqrt(std::max<double>(1.0, double(n)));
            Y1 = rng.normalMatrix(nx, nx) / std::sqrt(std::max<double>(1.0, 2.0 * nx));
            B2 = rng.normalMatrix(nx, nu) / std::sqrt(std::max<double>(1.0, double(nx + nu)));
            D12 = rng.normalMatrix(nv, nu) / std::sqrt(std::max<double>(1.0, double(nv + nu)));
            C2 = MatrixXd::Zero(ny, nx);
            D21 = MatrixXd::Zero(ny, nv);
            bv = rng.normalMatrix(nv, 1) / std::sqrt(std::max<double>(1.0, double(nv)));
            by = MatrixXd::Zero(ny, 1);
            if (!c.acyclic) lambda = rng.uniformMatrix(nv, 1, 0.0, 1.0);
            break;
    }
    p.add("X", Var::parameter(X));
    if (c.polar) p.add("rho", Var::parameter(MatrixXd::Constant(1, 1, std::max(X.norm(), 1e-3))));
    p.add("Y1", Var::parameter(Y1));
    p.add("B2", Var::parameter(B2));
    p.add("D12", Var::parameter(D12));
    p.add("C2", Var::parameter(C2));
    p.add("D21", Var::parameter(D21));
    if (c.renClass == RenClass::Contracting && c.d22Free && !c.d22Zero) p.add("D22", Var::parameter(MatrixXd::Zero(ny, nu)));
    if (hasCayleyD22(c)) {
        const Index d = std::min(nu, ny);
        p.add("X3", Var::parameter(glorotOrEmpty(rng, d, d)));
        p.add("Y3", Var::parameter(glorotOrEmpty(rng, d, d)));
        if (c.renClass != RenClass::Passive) p.add("Z3", Var::parameter(glorotOrEmpty(rng, std::abs(ny - nu), d)));
    }
    if (!c.acyclic) {
        p.add("lambda", Var::parameter(lambda));
        p.add("S2", Var::parameter(S2));
    }
    p.add("bx", Var::parameter(MatrixXd::Zero(nx, 1)));
    p.add("bv", Var::parameter(bv));
    p.add("by", Var::parameter(by));
    return p;
}

namespace {

/// M = X3ᵀX3 + Y3 − Y3ᵀ (+ Z3ᵀZ3) + εI.
Var cayleyM(const RenConfig& c, const nn::ParameterSet& p, Index d) {
    const Var& X3 = p.var("X3");
    const Var& Y3 = p.var("Y3");
    Var M = ad::transpose(X3) * X3 + Y3 - ad::transpose(Y3);
    if (p.contains("Z3") && p.get("Z3").rows() > 0) M = M + ad::transpose(p.var("Z3")) * p.var("Z3");
    return M + Var::constant(c.epsilon * MatrixXd::Identity(d, d));
}

/// N with ‖N‖₂ < 1 (docs/methods/ren.md §4.3), ny×nu.
Var cayleyN(const RenConfig& c, const nn::ParameterSet& p) {
    const Index nu = c.nu, ny = c.ny, d = std::min(nu, ny);
    if (d == 0) return constantZeros(ny, nu);
    const Var M = cayleyM(c, p, d);
    const Var IpM = constantIdentity(d) + M, ImM = constantIdentity(d) - M;
    if (ny == nu) return ad::solve(IpM, ImM);
    const Var inv = ad::inverse(IpM);
    const Var& Z3 = p.var("Z3");
    if (ny > nu) return ad::vcat({ImM * inv, -2.0 * (Z3 * inv)});
    return ad::hcat({inv * ImM, -2.0 * (inv * ad::transpose(Z3))});
}

}  // namespace

Var robustD22(const RenConfig& c, const nn::ParameterSet& p) {
    const Index nu = c.nu, ny = c.ny;
    switch (c.renClass) {
        case RenClass::Contracting:
            return p.contains("D22") ? p.var("D22") : constantZeros(ny, nu);
        case RenClass::Lipschitz:
            if (c.d22Zero) return constantZeros(ny, nu);
            return c.gamma * cayleyN(c, p);
        case RenClass::General: {
            // D₂₂ = −Q⁻¹Sᵀ + L_Q⁻¹ N L_R with L_QᵀL_Q = −Q, L_RᵀL_R = R − SQ⁻¹Sᵀ (constants).
            if (nu == 0 || ny == 0) return constantZeros(ny, nu);
            Eigen::LLT<MatrixXd> lq(-c.Q);
            const MatrixXd QinvSt = -lq.solve(c.S.transpose());
            const MatrixXd LQ = lq.matrixU();
            const MatrixXd LQinv = LQ.triangularView<Eigen::Upper>().solve(MatrixXd::Identity(ny, ny));
            const MatrixXd LR = Eigen::LLT<MatrixXd>(c.R - c.S * QinvSt).matrixU();
            return Var::constant(-QinvSt) + Var::constant(LQinv) * cayleyN(c, p) * Var::constant(LR);
        }
        case RenClass::Passive: {
            const Index d = nu;
            if (d == 0) return constantZeros(ny, nu);
            const Var M = cayleyM(c, p, d);
            if (c.passiveRho == 0.0) return M + Var::constant(c.passiveNu * MatrixXd::Identity(d, d));
            return ad::inverse(constantIdentity(d) + M) / c.passiveRho;
        }
    }
    return constantZeros(ny, nu);
}

ExplicitRen buildExplicit(const RenConfig& c, const nn::ParameterSet& p, ImplicitRen* implicit) {
    const Index nx = c.nx, nv = c.nv, nu = c.nu, ny = c.ny, n = 2 * nx + nv;
    const Var& X = p.var("X");
    if (X.rows() != n || X.cols() != n) throw Error("ren: parameter X", "expected " + ad::shapeString(n, n) + ", got " + ad::shapeString(X.value()));
    const Var eps = Var::constant(c.epsilon * MatrixXd::Identity(n, n));
    Var HX;
    if (n == 0) {
        HX = Var::constant(MatrixXd(0, 0));   // ad broadcasting does not accept zero-size operands
    } else if (c.polar) {
        const Var rho = p.var("rho");
        // ρ² XᵀX/‖X‖²_F: H_X is invariant to the scale of X; ρ carries it.
        HX = ad::mul(ad::transpose(X) * X, ad::div(ad::square(rho), ad::squaredNorm(X) + 1e-300)) + eps;
    } else {
        HX = ad::transpose(X) * X + eps;
    }
    const Var& B2c = p.var("B2");
    const Var& D12c = p.var("D12");
    const Var& C2 = p.var("C2");
    const Var& D21 = p.var("D21");
    Var D22 = robustD22(c, p);
    Var H = HX;
    if (c.isRobust()) {
        const Var Q = Var::constant(c.Q), S = Var::constant(c.S), R = Var::constant(c.R);
        const Var D22t = ad::transpose(D22);
        const Var DQS = D22t * Q + S;                                        // nu×ny
        const Var C2t = DQS * C2;                                            // nu×nx
        const Var D21t = DQS * D21 - ad::transpose(D12c);                     // nu×nv
        const Var Rt = R + S * D22 + ad::transpose(S * D22) + D22t * Q * D22; // nu×nu
        const Var L = ad::hcat({C2t, D21t, ad::transpose(B2c)});             // nu×n
        const Var G = ad::hcat({C2, D21, constantZeros(ny, nx)});                    // ny×n
        if (nu > 0) H = H + ad::transpose(L) * ad::solve(Rt, L);
        if (ny > 0) H = H - ad::transpose(G) * Q * G;
    }
    const Var H11 = ad::block(H, 0, 0, nx, nx);
    const Var H21 = ad::block(H, nx, 0, nv, nx);
    const Var H22 = ad::block(H, nx, nx, nv, nv);
    const Var H31 = ad::block(H, nx + nv, 0, nx, nx);
    const Var H32 = ad::block(H, nx + nv, nx, nx, nv);
    const Var P = ad::block(H, nx + nv, nx + nv, nx, nx);
    const Var& Y1 = p.var("Y1");
    const Var E = 0.5 * (H11 + P / (c.alphaBar * c.alphaBar) + Y1 - ad::transpose(Y1));
    const Var F = H31, B1c = H32, C1c = -H21;
    Var Lambda, D11c;
    if (c.acyclic) {
        Lambda = 0.5 * ad::diagonal(H22);
        D11c = -ad::tril(H22, -1);
    } else {
        Lambda = ad::exp(p.var("lambda"));
        const Var& S2 = p.var("S2");
        D11c = ad::asDiagonal(Lambda) - 0.5 * H22 - 0.5 * (S2 - ad::transpose(S2));
    }
    ExplicitRen e;
    // One LU of E for A, B₁, B₂ together.
    const Var EinvFB = ad::solve(E, ad::hcat({F, B1c, B2c}));
    e.A = ad::colsOf(EinvFB, 0, nx);
    e.B1 = ad::colsOf(EinvFB, nx, nv);
    e.B2 = ad::colsOf(EinvFB, nx + nv, nu);
    if (nv > 0) {
        const Var invLambda = ad::reciprocal(Lambda);
        e.C1 = ad::mul(C1c, invLambda);
        e.D11 = ad::mul(D11c, invLambda);
        e.D12 = ad::mul(D12c, invLambda);
    } else {
        // No neurons: the row scaling is empty (ad broadcasting does not accept zero-size operands).
        e.C1 = constantZeros(0, nx);
        e.D11 = constantZeros(0, 0);
        e.D12 = constantZeros(0, nu);
    }
    e.C2 = C2;
    e.D21 = D21;
    e.D22 = D22;
    e.bx = p.var("bx");
    e.bv = p.var("bv");
    e.by = p.var("by");
    if (!c.acyclic) {
        e.splitting = std::make_shared<PeacemanRachford>(e.D11.value(), c.activation, c.prAlpha, c.prTol, c.prMaxIter);
        e.stats = std::make_shared<EquilibriumStats>();
    }
    if (implicit) {
        implicit->H = H;
        implicit->HX = HX;
        implicit->E = E;
        implicit->F = F;
        implicit->P = P;
        implicit->B1 = B1c;
        implicit->C1 = C1c;
        implicit->Lambda = Lambda;
        implicit->D11 = D11c;
        implicit->B2 = B2c;
        implicit->D12 = D12c;
    }
    return e;
}

}  // namespace sd::ren
