#pragma once
// The stability certificate of a stable-OpInf model (docs/methods/stable-opinf.md §8).
//
// Global models (H energy-preserving or absent), input bound U = ‖u‖_∞ = sup_t ‖u(t)‖₂:
//   ρ(U) = (‖B‖₂ U + ‖c‖₂) / σ_min(R)                                  (Theorem 1 + constant term)
//   Identity form (V = ½‖x‖²):   ‖x(t)‖ ≤ max(‖x₀‖, ρ)  for all t ≥ 0,
//                                ‖x(t)‖ ≤ e^{−σt}‖x₀‖ + (1 − e^{−σt}) ρ,  σ = σ_min(R)   (ISS envelope)
//   Quadratic form (V = ½xᵀQx):  xᵀQx ≤ L := max(x₀ᵀQx₀, ρ²/λ_min(Q)),   ‖x(t)‖ ≤ √(L / λ_min(Q)).
// Locally stable models (H free): no global bound. With u = 0 and c = 0, V̇ < 0 on 0 < ‖x‖ < r_dec :=
//   σ_min(R)·λ_min(Q)/‖H‖₂, so the ball of radius r_dec·√(λ_min(Q)/λ_max(Q)) lies in the region of attraction.
// All statements are for the reduced state x̂ (= ‖V_r x̂‖ in the data space, V_r orthonormal).
#include "core/model/certificate.h"
#include "plugins/stable-opinf/stable_parameterisation.h"

#include <Eigen/Core>
#include <complex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::opinf {

struct StabilityCertificate {
    StableStructure structure;
    bool global = false;                 ///< Theorem 1 applies (quadratic term energy-preserving or absent)
    double sigmaMinR = 0.0;              ///< σ_min(R) (= λ_min, R symmetric)
    double normB = 0.0, normC = 0.0;     ///< spectral norm of B, Euclidean norm of c
    double normH = 0.0;                  ///< spectral norm of H (n×n²)
    double lambdaMinQ = 1.0, lambdaMaxQ = 1.0;
    Eigen::MatrixXd Q;                   ///< I for the identity form
    double skewResidualJ = 0.0;          ///< max |J + Jᵀ| (0 exactly by construction)
    bool rPositiveDefinite = false;      ///< Eigen LLT of R succeeds
    bool qPositiveDefinite = true;       ///< Eigen LLT of Q succeeds
    bool monotone = false;               ///< LLT of −(A + Aᵀ) succeeds: ‖x‖ decreases for the linear part
    double energyResidual = 0.0;         ///< max over random x of |xᵀQH(x⊗x)| / ‖x‖³
    double energyResidualRelative = 0.0; ///< the same divided by ‖QH‖_F (0 without H)
    std::vector<std::complex<double>> eigenvalues;   ///< of A
    double maxRealEigenvalue = 0.0;

    /// ρ(U); +∞ when σ_min(R) = 0. Throws sd::Error for U < 0 or a non-global model.
    double radius(double inputBound) const;
    /// The bound on ‖x(t)‖ over t ≥ 0 from x₀ with ‖u‖_∞ ≤ U (the forms above).
    double stateNormBound(const Eigen::VectorXd& x0, double inputBound) const;
    /// The sublevel L of xᵀQx that the state never leaves (identity form: Q = I, L = max(‖x₀‖², ρ²)).
    double lyapunovLevel(const Eigen::VectorXd& x0, double inputBound) const;
    /// ISS envelope at time t ≥ 0 after the start (identity form only; sd::Error otherwise).
    double issEnvelope(double x0Norm, double inputBound, double t) const;
    /// r_dec of the locally stable model (+∞ without H).
    double localDecreaseRadius() const;
    /// True when the structural checks prove the model's guarantee.
    bool verified() const;
};

/// Computes every number above from the parameters (eigenvalues by Eigen::EigenSolver, energy residual
/// over 256 fixed-seed random directions).
StabilityCertificate analyseStability(const StableParameters& params);

/// Result of comparing one simulated trajectory with the certificate.
struct TrajectoryBoundCheck {
    std::string id;
    double inputBound = 0.0;        ///< max_k ‖u(t_k)‖ (linear interpolation cannot exceed it)
    double x0Norm = 0.0;
    double radius = 0.0;            ///< ρ for this input bound
    double bound = 0.0;             ///< bound on ‖x(t)‖
    double maxNorm = 0.0;           ///< max_k ‖x(t_k)‖ of the simulation (NaN if it diverged)
    double maxLevelRatio = 0.0;     ///< max_k x_kᵀQx_k / L  (≤ 1 when the certificate holds)
    double maxIssRatio = 0.0;       ///< identity form: max_k ‖x_k‖ / ISS envelope(t_k) (NaN otherwise)
    bool diverged = false;
    bool satisfied = false;         ///< not diverged, level ratio ≤ 1 + tol and (identity form) ISS ratio ≤ 1 + tol
};

/// Checks reduced states X̂ (n×K) simulated from X̂(:,0) at times t under inputs U (m×K; ignored without B)
/// against the certificate, with relative tolerance `tol` for integration error.
TrajectoryBoundCheck checkTrajectoryBound(const StabilityCertificate& cert, const std::string& id, const Eigen::VectorXd& t,
                                          const Eigen::MatrixXd& Xhat, const Eigen::MatrixXd& U, bool diverged,
                                          double tol = 1e-6);

nlohmann::json toJson(const TrajectoryBoundCheck& check);

/// The certificate as the JSON object of Model::certificate(): guarantee, verified, structural flags,
/// eigenvalues [[re, im], …], and for global models the radius per input bound (`inputBounds`: name → U).
nlohmann::json certificateJson(const StabilityCertificate& cert, const std::vector<std::pair<std::string, double>>& inputBounds);

/// The structural checks behind verified() as certificate rows (all pass exactly when verified()).
std::vector<model::CertificateCheck> certificateChecks(const StabilityCertificate& cert);

/// The typed BIBS bound of a global certificate (core/model/certificate.h; the formulas at the top).
model::BibsBound bibsBound(const StabilityCertificate& cert);

}  // namespace sd::opinf
