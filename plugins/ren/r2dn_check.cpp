#include "plugins/ren/r2dn_check.h"

#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "plugins/ren/lbdn.h"
#include "plugins/ren/r2dn_simulation.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;

namespace {

/// max|QᵀQ − I| for Q = [Aᵀ; Bᵀ] of the Cayley transform of XY ((n + m)×n).
double cayleyResidual(const MatrixXd& XY, Index n) {
    const auto [At, Bt] = sandwichCayley(ad::Var::constant(XY), n);
    MatrixXd Q(At.rows() + Bt.rows(), n);
    Q << At.value(), Bt.value();
    if (!Q.allFinite()) return std::numeric_limits<double>::infinity();
    return (Q.transpose() * Q - MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff();
}

}  // namespace

R2dnLmiReport checkR2dnLmi(const RenConfig& c, const nn::ParameterSet& p) {
    ad::NoGradGuard guard;
    ImplicitR2dn im;
    const ExplicitR2dn e = buildExplicitR2dn(c, p, &im);
    const Index nx = c.nx, nv = c.nv, nu = c.nu;
    const bool lipschitz = c.renClass == RenClass::Lipschitz;
    const MatrixXd& E = im.E.value();
    const MatrixXd M = E.transpose() * im.P.value().ldlt().solve(E);
    R2dnLmiReport r;
    r.metricPositive = M.allFinite() && Eigen::LLT<MatrixXd>(0.5 * (M + M.transpose())).info() == Eigen::Success;
    const Index nu2 = lipschitz ? nu : 0, n = nx + nv + nu2;
    MatrixXd G(nx, n), N = MatrixXd::Zero(nv, n);
    G.leftCols(nx) = e.A.value();
    G.middleCols(nx, nv) = e.B1.value();
    N.leftCols(nx) = e.C1.value();
    if (lipschitz) {
        G.rightCols(nu) = e.B2.value();
        N.rightCols(nu) = e.D12.value();
    }
    MatrixXd L = MatrixXd::Zero(n, n);
    L.topLeftCorner(nx, nx) = c.alphaBar * c.alphaBar * M;
    L.block(nx, nx, nv, nv).setIdentity();
    L -= N.transpose() * N + G.transpose() * M * G;
    if (lipschitz) {
        L.bottomRightCorner(nu, nu) += c.gamma * MatrixXd::Identity(nu, nu);
        MatrixXd Y(c.ny, n);
        Y.leftCols(nx) = e.C2.value();
        Y.middleCols(nx, nv) = e.D21.value();
        Y.rightCols(nu) = e.D22.value();
        L -= Y.transpose() * Y / c.gamma;
    }
    L = 0.5 * (L + L.transpose());
    if (!L.allFinite()) {
        r.lmiMinEigenvalue = std::numeric_limits<double>::quiet_NaN();
    } else {
        r.lmiHolds = Eigen::LLT<MatrixXd>(L).info() == Eigen::Success;
        r.lmiMinEigenvalue = Eigen::SelfAdjointEigenSolver<MatrixXd>(L, Eigen::EigenvaluesOnly).eigenvalues().minCoeff();
    }
    // φ is 1-Lipschitz when every layer's [Aᵀ; Bᵀ] has orthonormal columns (docs/methods/ren.md §12.2).
    const std::vector<Index> hidden = r2dnHiddenWidths(p);
    for (std::size_t k = 0; k < hidden.size(); ++k)
        r.networkOrthogonality = std::max(r.networkOrthogonality, cayleyResidual(p.get("net.layer" + std::to_string(k) + ".XY"), hidden[k]));
    r.networkOrthogonality = std::max(r.networkOrthogonality, cayleyResidual(p.get("net.out.XY"), nv));
    return r;
}

json R2dnLmiReport::toJson() const {
    return {{"metric_positive_definite", metricPositive}, {"lmi_cholesky_ok", lmiHolds}, {"lmi_min_eigenvalue", lmiMinEigenvalue},
            {"network_orthogonality_residual", networkOrthogonality}};
}

std::vector<model::CertificateCheck> R2dnLmiReport::checks() const {
    return {{"metric E^T P^-1 E positive definite (Cholesky)", metricPositive, std::nullopt, std::nullopt},
            {"dissipation LMI of the explicit linear part positive definite (Cholesky; value: its smallest eigenvalue)", lmiHolds,
             lmiMinEigenvalue, 0.0},
            {"network 1-Lipschitz: sandwich Cayley factors orthonormal, max |Q^T Q - I| < 1e-9", networkOrthogonality < 1e-9,
             networkOrthogonality, 1e-9}};
}

ContractionReport checkR2dnContractionBySimulation(const RenConfig& c, const ExplicitR2dn& m, int steps, std::uint64_t seed, double scale) {
    ad::NoGradGuard guard;
    Rng rng(seed);
    const MatrixXd x0 = scale * rng.normalMatrix(c.nx, 2);
    const MatrixXd u = rng.normalMatrix(c.nu, steps);
    MatrixXd U(c.nu, 2 * steps);
    for (int t = 0; t < steps; ++t) U.col(2 * t) = U.col(2 * t + 1) = u.col(t);
    const RenRollout r = simulateR2dn(c, m, ad::Var::constant(x0), ad::Var::constant(U), steps);
    ContractionReport rep;
    rep.steps = steps;
    rep.initialDistance = (x0.col(0) - x0.col(1)).norm();
    const MatrixXd& xf = r.finalState.value();
    rep.finalDistance = (xf.col(0) - xf.col(1)).norm();
    return rep;
}

model::Certificate certifyR2dn(const RenConfig& c, const nn::ParameterSet& p, json cert, double dataUnitsFactor) {
    const R2dnLmiReport lmi = checkR2dnLmi(c, p);
    ExplicitR2dn e;
    {
        ad::NoGradGuard guard;
        e = buildExplicitR2dn(c, p);
    }
    const ContractionReport con = checkR2dnContractionBySimulation(c, e, 300, 20240521);
    model::GuaranteeKind kind = model::GuaranteeKind::Contraction;
    std::string g = "contracting (rate ≤ " + std::to_string(c.alphaBar) + "): any two state trajectories under the same input converge";
    if (c.renClass == RenClass::Lipschitz) {
        kind = model::GuaranteeKind::Lipschitz;
        g = "contracting and Lipschitz: ‖Δy‖ ≤ γ‖Δu‖ (standardised signals) with γ = " + std::to_string(c.gamma);
        cert["gamma"] = c.gamma;
        if (std::isfinite(dataUnitsFactor)) cert["gamma_data_units"] = c.gamma * dataUnitsFactor;
    }
    cert["guarantee"] = g + " (R2DN: small-gain LMI of the linear part, 1-Lipschitz network)";
    cert["verified"] = lmi.ok();
    cert["lmi"] = lmi.toJson();
    cert["contraction_simulation"] = con.toJson();
    cert["contraction_simulation"]["distance_ratio"] = con.initialDistance > 0 ? con.finalDistance / con.initialDistance : 0.0;
    std::vector<std::complex<double>> eigenvalues;
    Eigen::EigenSolver<MatrixXd> es(e.A.value(), false);
    json eig = json::array();
    double radius = 0.0;
    for (Index i = 0; i < es.eigenvalues().size(); ++i) {
        eigenvalues.push_back(es.eigenvalues()[i]);
        eig.push_back({es.eigenvalues()[i].real(), es.eigenvalues()[i].imag()});
        radius = std::max(radius, std::abs(es.eigenvalues()[i]));
    }
    cert["discrete_eigenvalues_A"] = eig;
    cert["spectral_radius_A"] = radius;
    cert["network_hidden"] = r2dnHiddenWidths(p);
    cert["parameter_count"] = p.totalSize();
    model::Certificate out = model::Certificate::fromDetails(kind, std::move(cert), "ren certificate");
    out.checks = lmi.checks();
    out.eigenvalues = std::move(eigenvalues);
    out.discreteTime = true;
    if (kind == model::GuaranteeKind::Lipschitz) out.lipschitzBound = c.gamma;
    return out;
}

}  // namespace sd::ren
