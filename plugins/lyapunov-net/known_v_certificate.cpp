#include "plugins/lyapunov-net/known_v_certificate.h"

#include "core/common/json_number.h"

namespace sd::lyapnet {

using nlohmann::json;

json certifyKnownV(const KnownVDynamics& dyn, const CertificateOptions& o) {
    const KnownLyapunov& V = dyn.lyapunov();
    const bool quadratic = V.kind() == KnownLyapunov::Kind::Quadratic;
    DecreaseProblem dp;
    dp.n = dyn.stateDim();
    dp.alpha = dyn.options().alpha;
    dp.positivityWeight = V.quadraticLowerBound();
    dp.positivityKey = quadratic ? "min_v_over_lambda_min_norm2" : "min_v_over_norm2";
    dp.positivityCheck = quadratic ? "V(x) >= lambda_min(P)*|x|^2 on the samples" : "V(x) > 0 on the samples x != 0";
    dp.evaluate = [&dyn](const Eigen::MatrixXd& X) { return dyn.evaluate(X); };
    json cert = certifyDecrease(dp, o);
    cert["known_v"] = V.name();
    if (quadratic) {
        cert["lambda_min_P"] = V.quadraticLowerBound();
        cert["lambda_max_P"] = V.quadraticUpperBound();
        cert["guarantee"] = "global exponential stability of x = 0 by construction: f is the projection of f̂ onto "
                            "{∇Vᵀf ≤ −αV} for the given V = xᵀPx (P ≻ 0), so V(x(t)) ≤ V(x0)·e^{−αt} and "
                            "‖x(t)‖ ≤ √(λmax/λmin)·e^{−αt/2}‖x0‖ for every initial state";
        noteProjectionRelaxation(cert, dyn.options().projDenominatorEps);
        return cert;
    }
    // The pendulum energy: what the samples show about the region relative to the strict-Lyapunov sublevel set.
    // Sampled (not a bound over the box): whether the region stays below the strict-Lyapunov level 2g.
    const Eigen::Index n = dyn.stateDim();
    Rng rng(o.seed + 7);
    Eigen::MatrixXd P = rng.uniformMatrix(n, std::max<Eigen::Index>(o.samples, 1), 0.0, 1.0);
    for (Eigen::Index r = 0; r < n; ++r) P.row(r) = (o.lo[r] + (o.hi[r] - o.lo[r]) * P.row(r).array()).matrix();
    const double maxV = V.evaluate(P).maxCoeff();
    cert["sublevel_bound"] = V.criticalLevel();
    cert["max_v_sampled"] = jsonNumber(maxV);
    cert["region_inside_sublevel"] = maxV < V.criticalLevel();
    cert["guarantee"] = "local exponential stability of the hanging equilibrium: f is the projection of f̂ onto "
                        "{∇Vᵀf ≤ −αV} for the pendulum energy V, so V(x(t)) ≤ V(x0)·e^{−αt} along solutions; V is "
                        "only positive semidefinite (zero at every q ∈ 2πℤⁿ, u = 0) and has critical points "
                        "(inverted links) where no field can satisfy the condition, so the guarantee holds from "
                        "initial states in the sublevel set {V < 2g} around 0, and everywhere else only modulo 2π "
                        "while the solution avoids those critical points";
    noteProjectionRelaxation(cert, dyn.options().projDenominatorEps);
    return cert;
}

}  // namespace sd::lyapnet
