#include "plugins/ren/lmi_check.h"

#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "plugins/ren/ren_simulation.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;

MatrixXd assembleContractionLmi(const RenConfig& c, const ImplicitRen& im) {
    const Index nx = c.nx, nv = c.nv, n = 2 * nx + nv;
    const MatrixXd& E = im.E.value();
    const MatrixXd& F = im.F.value();
    const MatrixXd& P = im.P.value();
    const MatrixXd& B1 = im.B1.value();
    const MatrixXd& C1 = im.C1.value();
    const MatrixXd& D11 = im.D11.value();
    MatrixXd M(n, n);
    M.topLeftCorner(nx, nx) = E + E.transpose() - P / (c.alphaBar * c.alphaBar);
    M.block(0, nx, nx, nv) = -C1.transpose();
    M.block(0, nx + nv, nx, nx) = F.transpose();
    M.block(nx, 0, nv, nx) = -C1;
    M.block(nx, nx, nv, nv) = MatrixXd(2.0 * im.Lambda.value().col(0).asDiagonal()) - D11 - D11.transpose();
    M.block(nx, nx + nv, nv, nx) = B1.transpose();
    M.block(nx + nv, 0, nx, nx) = F;
    M.block(nx + nv, nx, nx, nv) = B1;
    M.block(nx + nv, nx + nv, nx, nx) = P;
    return M;
}

LmiReport checkLmi(const RenConfig& c, const ImplicitRen& im, const ExplicitRen& m) {
    LmiReport r;
    const Index nx = c.nx, nv = c.nv, nu = c.nu, ny = c.ny, n = 2 * nx + nv;
    const MatrixXd assembled = assembleContractionLmi(c, im);
    const MatrixXd& H = im.H.value();
    r.assemblyMismatch = (assembled - H).norm() / std::max(1.0, H.norm());
    MatrixXd lmi = assembled;
    if (c.isRobust()) {
        const MatrixXd& C2 = m.C2.value();
        const MatrixXd& D21 = m.D21.value();
        const MatrixXd& D22 = m.D22.value();
        const MatrixXd DQS = D22.transpose() * c.Q + c.S;
        const MatrixXd Rt = c.R + c.S * D22 + (c.S * D22).transpose() + D22.transpose() * c.Q * D22;
        MatrixXd L(nu, n), G = MatrixXd::Zero(ny, n);
        L << DQS * C2, DQS * D21 - im.D12.value().transpose(), im.B2.value().transpose();
        G.leftCols(nx) = C2;
        G.middleCols(nx, nv) = D21;
        Eigen::LLT<MatrixXd> rt(Rt);
        r.rTildePositive = nu == 0 || rt.info() == Eigen::Success;
        // n = 0: nothing to subtract (and Eigen's solve with an empty right-hand side is undefined behaviour).
        if (nu > 0 && n > 0) lmi -= L.transpose() * Rt.partialPivLu().solve(L);
        lmi += G.transpose() * c.Q * G;
    }
    lmi = 0.5 * (lmi + lmi.transpose());
    r.lmiHolds = n == 0 || Eigen::LLT<MatrixXd>(lmi).info() == Eigen::Success;
    r.lmiMinEigenvalue = n == 0 ? 0.0 : Eigen::SelfAdjointEigenSolver<MatrixXd>(lmi, Eigen::EigenvaluesOnly).eigenvalues().minCoeff();
    const MatrixXd& E = im.E.value();
    r.eInvertible = nx == 0 || Eigen::FullPivLU<MatrixXd>(E).rank() == nx;
    const Eigen::VectorXd lambda = im.Lambda.value().col(0);
    const MatrixXd& D11 = m.D11.value();
    const MatrixXd W = MatrixXd(2.0 * lambda.asDiagonal()) - lambda.asDiagonal() * D11 - D11.transpose() * lambda.asDiagonal();
    r.wellPosed = (nv == 0 || (lambda.array() > 0.0).all()) && (nv == 0 || Eigen::LLT<MatrixXd>(W).info() == Eigen::Success);
    const double scale = std::max(1.0, H.norm());
    r.explicitMismatch = ((E * m.A.value() - im.F.value()).norm() + (E * m.B1.value() - im.B1.value()).norm() +
                          (lambda.asDiagonal() * m.C1.value() - im.C1.value()).norm() +
                          (lambda.asDiagonal() * D11 - im.D11.value()).norm()) / scale;
    return r;
}

nlohmann::json LmiReport::toJson() const {
    return {{"lmi_cholesky_ok", lmiHolds}, {"lmi_min_eigenvalue", lmiMinEigenvalue}, {"assembly_mismatch", assemblyMismatch},
            {"E_invertible", eInvertible}, {"well_posed", wellPosed}, {"R_tilde_positive_definite", rTildePositive},
            {"explicit_mismatch", explicitMismatch}};
}

std::vector<model::CertificateCheck> LmiReport::checks() const {
    return {{"LMI matrix positive definite (Cholesky; value: its smallest eigenvalue)", lmiHolds, lmiMinEigenvalue, 0.0},
            {"E invertible (LU)", eInvertible, std::nullopt, std::nullopt},
            {"equilibrium well-posed: 2 Lambda - Lambda D11 - D11^T Lambda > 0, Lambda > 0", wellPosed, std::nullopt, std::nullopt},
            {"R~ positive definite (robust classes)", rTildePositive, std::nullopt, std::nullopt},
            {"assembled LMI matches H: relative mismatch < 1e-9", assemblyMismatch < 1e-9, assemblyMismatch, 1e-9}};
}

MatrixXd incrementalLyapunovMatrix(const ImplicitRen& im) {
    const MatrixXd& E = im.E.value();
    if (E.size() == 0) return MatrixXd(0, 0);
    return E.transpose() * im.P.value().ldlt().solve(E);
}

nlohmann::json ContractionReport::toJson() const {
    return {{"initial_distance", initialDistance}, {"final_distance", finalDistance}, {"steps", steps}, {"converged", converged()}};
}

ContractionReport checkContractionBySimulation(const RenConfig& c, const ExplicitRen& m, int steps, std::uint64_t seed, double scale) {
    ad::NoGradGuard guard;
    Rng rng(seed);
    MatrixXd x0 = scale * rng.normalMatrix(c.nx, 2);
    const MatrixXd u = rng.normalMatrix(c.nu, steps);
    MatrixXd U(c.nu, 2 * steps);
    for (int t = 0; t < steps; ++t) U.col(2 * t) = U.col(2 * t + 1) = u.col(t);
    const RenRollout r = simulateRen(c, m, ad::Var::constant(x0), ad::Var::constant(U), steps);
    ContractionReport rep;
    rep.steps = steps;
    rep.initialDistance = (x0.col(0) - x0.col(1)).norm();
    const MatrixXd& xf = r.finalState.value();
    rep.finalDistance = c.nx == 0 ? 0.0 : (xf.col(0) - xf.col(1)).norm();
    return rep;
}

}  // namespace sd::ren
