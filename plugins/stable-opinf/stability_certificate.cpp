#include "plugins/stable-opinf/stability_certificate.h"

#include "core/common/error.h"
#include "core/common/json_number.h"
#include "core/common/rng.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <cmath>
#include <limits>

namespace sd::opinf {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double spectralNorm(const MatrixXd& M) {
    if (M.size() == 0) return 0.0;
    return Eigen::JacobiSVD<MatrixXd>(M).singularValues()(0);
}

const char* formName(LyapunovForm f) { return f == LyapunovForm::Identity ? "identity" : "quadratic"; }
const char* structureName(QuadraticStructure q) {
    return q == QuadraticStructure::EnergyPreserving ? "energy-preserving" : q == QuadraticStructure::Free ? "free" : "none";
}

}  // namespace

double StabilityCertificate::radius(double U) const {
    if (!(U >= 0.0)) throw Error("stability certificate", "the input bound must be non-negative");
    if (!global) throw Error("stability certificate", "a locally stable model has no bounded-input bounded-state radius");
    if (!(sigmaMinR > 0.0)) return kInf;
    return (normB * U + normC) / sigmaMinR;
}

double StabilityCertificate::lyapunovLevel(const VectorXd& x0, double U) const {
    const double rho = radius(U);
    if (structure.form == LyapunovForm::Identity) return std::max(x0.squaredNorm(), rho * rho);
    return std::max(x0.dot(Q * x0), rho * rho / lambdaMinQ);
}

double StabilityCertificate::stateNormBound(const VectorXd& x0, double U) const {
    if (structure.form == LyapunovForm::Identity) return std::max(x0.norm(), radius(U));
    return std::sqrt(lyapunovLevel(x0, U) / lambdaMinQ);
}

double StabilityCertificate::issEnvelope(double x0Norm, double U, double t) const {
    if (structure.form != LyapunovForm::Identity) throw Error("stability certificate", "the ISS envelope is stated for Q = I only");
    const double rho = radius(U);
    const double decay = std::exp(-sigmaMinR * std::max(t, 0.0));
    return decay * x0Norm + (1.0 - decay) * rho;
}

double StabilityCertificate::localDecreaseRadius() const {
    if (normH == 0.0) return kInf;
    return sigmaMinR * lambdaMinQ / normH;
}

bool StabilityCertificate::verified() const {
    const bool linear = rPositiveDefinite && qPositiveDefinite && sigmaMinR > 0.0 && skewResidualJ == 0.0;
    if (!global) return linear;
    return linear && energyResidualRelative <= 1e-10;
}

StabilityCertificate analyseStability(const StableParameters& p) {
    StabilityCertificate c;
    c.structure = p.structure;
    const auto n = p.structure.n;
    c.global = p.structure.quadratic != QuadraticStructure::Free;
    const MatrixXd J = p.J(), R = p.R();
    c.Q = p.Q();
    c.skewResidualJ = (J + J.transpose()).cwiseAbs().maxCoeff();
    c.rPositiveDefinite = Eigen::LLT<MatrixXd>(R).info() == Eigen::Success;
    c.sigmaMinR = Eigen::SelfAdjointEigenSolver<MatrixXd>(R, Eigen::EigenvaluesOnly).eigenvalues()(0);
    if (p.structure.form == LyapunovForm::Quadratic) {
        c.qPositiveDefinite = Eigen::LLT<MatrixXd>(c.Q).info() == Eigen::Success;
        const VectorXd lq = Eigen::SelfAdjointEigenSolver<MatrixXd>(c.Q, Eigen::EigenvaluesOnly).eigenvalues();
        c.lambdaMinQ = lq(0);
        c.lambdaMaxQ = lq(n - 1);
    }
    const QuadraticOperators ops = p.operators();
    c.normB = ops.ops.B ? spectralNorm(ops.B) : 0.0;
    c.normC = ops.ops.c ? ops.c.norm() : 0.0;
    c.normH = ops.ops.H ? spectralNorm(ops.H) : 0.0;
    c.monotone = Eigen::LLT<MatrixXd>(-(ops.A + ops.A.transpose())).info() == Eigen::Success;
    if (ops.ops.H) {
        Rng rng(20240301);
        const MatrixXd QH = c.Q * ops.H;
        c.energyResidual = energyPreservationResidual(QH, rng.normalMatrix(n, 256));
        const double scale = QH.norm();
        c.energyResidualRelative = scale > 0.0 ? c.energyResidual / scale : 0.0;
    }
    Eigen::EigenSolver<MatrixXd> es(ops.A, /*computeEigenvectors=*/false);
    c.maxRealEigenvalue = -kInf;
    for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) {
        c.eigenvalues.push_back(es.eigenvalues()[i]);
        c.maxRealEigenvalue = std::max(c.maxRealEigenvalue, es.eigenvalues()[i].real());
    }
    return c;
}

TrajectoryBoundCheck checkTrajectoryBound(const StabilityCertificate& cert, const std::string& id, const VectorXd& t,
                                          const MatrixXd& Xhat, const MatrixXd& U, bool diverged, double tol) {
    TrajectoryBoundCheck r;
    r.id = id;
    if (Xhat.rows() != cert.structure.n || Xhat.cols() == 0 || t.size() != Xhat.cols())
        throw Error("certificate check '" + id + "'", "states must be " + std::to_string(cert.structure.n) + "×K with K sample times");
    if (cert.structure.m > 0) {
        if (U.rows() != cert.structure.m || U.cols() != Xhat.cols())
            throw Error("certificate check '" + id + "'", "inputs must be " + std::to_string(cert.structure.m) + "×K");
        r.inputBound = U.colwise().norm().maxCoeff();
    }
    const VectorXd x0 = Xhat.col(0);
    r.x0Norm = x0.norm();
    r.radius = cert.radius(r.inputBound);
    r.bound = cert.stateNormBound(x0, r.inputBound);
    r.diverged = diverged || !Xhat.allFinite();
    const bool identity = cert.structure.form == LyapunovForm::Identity;
    r.maxIssRatio = identity ? 0.0 : kNaN;
    if (r.diverged) {
        r.maxNorm = r.maxLevelRatio = kNaN;
        if (identity) r.maxIssRatio = kNaN;
        return r;
    }
    const double level = cert.lyapunovLevel(x0, r.inputBound);
    for (Eigen::Index k = 0; k < Xhat.cols(); ++k) {
        const VectorXd x = Xhat.col(k);
        const double nx = x.norm();
        r.maxNorm = std::max(r.maxNorm, nx);
        const double v = identity ? nx * nx : x.dot(cert.Q * x);
        if (level > 0.0) r.maxLevelRatio = std::max(r.maxLevelRatio, v / level);
        else if (v > 0.0) r.maxLevelRatio = kInf;
        if (identity) {
            const double env = cert.issEnvelope(r.x0Norm, r.inputBound, t[k] - t[0]);
            if (env > 0.0) r.maxIssRatio = std::max(r.maxIssRatio, nx / env);
            else if (nx > 0.0) r.maxIssRatio = kInf;
        }
    }
    // Level ratios compare squared norms, so the integration tolerance enters twice.
    r.satisfied = r.maxLevelRatio <= 1.0 + 2.0 * tol && (!identity || r.maxIssRatio <= 1.0 + tol);
    return r;
}

json toJson(const TrajectoryBoundCheck& c) {
    return {{"trajectory", c.id},           {"input_bound", jsonNumber(c.inputBound)}, {"x0_norm", jsonNumber(c.x0Norm)},
            {"radius", jsonNumber(c.radius)},   {"state_bound", jsonNumber(c.bound)},      {"max_state_norm", jsonNumber(c.maxNorm)},
            {"max_level_ratio", jsonNumber(c.maxLevelRatio)}, {"max_iss_ratio", jsonNumber(c.maxIssRatio)},
            {"diverged", c.diverged},       {"satisfied", c.satisfied}};
}

json certificateJson(const StabilityCertificate& c, const std::vector<std::pair<std::string, double>>& inputBounds) {
    json j;
    const bool identity = c.structure.form == LyapunovForm::Identity;
    const bool verified = c.verified();
    if (c.global) {
        j["guarantee"] = std::string("bounded-input bounded-state stability (Theorem 1") + (identity ? "" : ", quadratic form") +
                         "): for ‖u‖∞ ≤ U the reduced state satisfies " +
                         (identity ? "‖x(t)‖ ≤ max(‖x(0)‖, ρ(U)) and the ISS envelope"
                                   : "xᵀQx ≤ max(x(0)ᵀQx(0), ρ(U)²/λmin(Q))") +
                         ", with ρ(U) = (‖B‖U + ‖c‖)/σmin(R); A is Hurwitz for every parameter value" +
                         (verified ? "" : " — NOT verified: a structural check failed");
    } else {
        j["guarantee"] = std::string("locally stable only: A = (J − R)Q is Hurwitz, so x = 0 is locally asymptotically stable ") +
                         "for u = 0 and c = 0; no bound for large states or inputs (H is unconstrained)" +
                         (verified ? "" : " — NOT verified: a structural check failed");
    }
    j["verified"] = verified;
    j["global"] = c.global;
    j["lyapunov_form"] = formName(c.structure.form);
    j["lyapunov_function"] = identity ? "V(x) = ½‖x‖²" : "V(x) = ½ xᵀQx";
    j["quadratic_structure"] = structureName(c.structure.quadratic);
    j["sigma_min_R"] = jsonNumber(c.sigmaMinR);
    j["norm_B"] = c.normB;
    j["norm_c"] = c.normC;
    j["norm_H"] = c.normH;
    j["lambda_min_Q"] = jsonNumber(c.lambdaMinQ);
    j["lambda_max_Q"] = jsonNumber(c.lambdaMaxQ);
    j["J_skew_residual"] = c.skewResidualJ;
    j["R_positive_definite"] = c.rPositiveDefinite;
    j["Q_positive_definite"] = c.qPositiveDefinite;
    j["monotone"] = c.monotone;
    j["energy_preservation_residual"] = jsonNumber(c.energyResidual);
    j["energy_preservation_relative"] = jsonNumber(c.energyResidualRelative);
    json eig = json::array();
    for (const auto& e : c.eigenvalues) eig.push_back({e.real(), e.imag()});
    j["eigenvalues"] = eig;
    j["max_real_eigenvalue"] = jsonNumber(c.maxRealEigenvalue);
    j["linear_part_hurwitz"] = c.maxRealEigenvalue < 0.0;
    if (c.global) {
        json bounds = json::array();
        for (const auto& [source, U] : inputBounds) {
            const double rho = c.radius(U);
            bounds.push_back({{"source", source},
                              {"input_bound", U},
                              {"radius", jsonNumber(rho)},
                              // The state bound for x(0) inside the trapping set.
                              {"trapping_state_norm", jsonNumber(identity ? rho : rho / c.lambdaMinQ)}});
        }
        j["bibs"] = {{"bounds", bounds},
                     {"iss_rate", identity ? jsonNumber(c.sigmaMinR) : json(nullptr)},
                     {"formula", identity ? "‖x(t)‖ ≤ max(‖x0‖, ρ);  ‖x(t)‖ ≤ e^{−σt}‖x0‖ + (1 − e^{−σt})ρ,  σ = σmin(R)"
                                          : "xᵀQx ≤ max(x0ᵀQx0, ρ²/λmin(Q));  ‖x‖ ≤ √(max(x0ᵀQx0, ρ²/λmin(Q))/λmin(Q))"}};
    } else {
        const double rdec = c.localDecreaseRadius();
        j["local"] = {{"decrease_radius", jsonNumber(rdec)},
                      {"attraction_radius", jsonNumber(rdec * std::sqrt(c.lambdaMinQ / c.lambdaMaxQ))},
                      {"formula", "V̇ < 0 for 0 < ‖x‖ < σmin(R)·λmin(Q)/‖H‖₂ (u = 0, c = 0)"}};
    }
    return j;
}

std::vector<model::CertificateCheck> certificateChecks(const StabilityCertificate& c) {
    std::vector<model::CertificateCheck> rows = {
        {"R positive definite (Cholesky)", c.rPositiveDefinite, std::nullopt, std::nullopt},
        {"sigma_min(R) > 0", c.sigmaMinR > 0.0, c.sigmaMinR, 0.0},
        {"J skew-symmetric: max |J + J^T| = 0", c.skewResidualJ == 0.0, c.skewResidualJ, 0.0},
        {"Q positive definite (Cholesky)", c.qPositiveDefinite, std::nullopt, std::nullopt},
    };
    if (c.global)
        rows.push_back({"H energy-preserving: max |x^T Q H(x kron x)| / (|x|^3 |QH|_F) <= 1e-10", c.energyResidualRelative <= 1e-10,
                        c.energyResidualRelative, 1e-10});
    return rows;
}

model::BibsBound bibsBound(const StabilityCertificate& c) {
    model::BibsBound b;
    b.sigmaMinR = c.sigmaMinR;
    b.normB = c.normB;
    b.normC = c.normC;
    b.identityForm = c.structure.form == LyapunovForm::Identity;
    b.lambdaMinQ = c.lambdaMinQ;
    b.lambdaMaxQ = c.lambdaMaxQ;
    return b;
}

}  // namespace sd::opinf
