#include "plugins/stable-opinf/automatic_basis.h"

#include "core/data/pod.h"
#include "plugins/stable-opinf/cubic_terms.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <cstdio>

namespace sd::opinf {

Eigen::Index unknownsPerRow(OperatorSet ops, Eigen::Index r, Eigen::Index inputDim) {
    return (ops.c ? 1 : 0) + (ops.A ? r : 0) + (ops.H ? compressedQuadraticSize(r) : 0) + (ops.G ? compressedCubicSize(r) : 0) +
           (ops.B ? inputDim : 0) + (ops.N ? inputDim * r : 0);
}

namespace {

std::string percent(double energy) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.6g%%", 100.0 * energy);
    return buf;
}

}  // namespace

BasisChoice chooseBasis(const Eigen::MatrixXd& X, const nlohmann::json& hyper, OperatorSet ops, Eigen::Index inputDim) {
    BasisChoice out;
    const Eigen::Index N = X.rows(), K = X.cols();
    if (hyper.at("basis") == "pod") {
        data::PodOptions pod;
        pod.rank = hyper.at("pod_rank").get<int>();
        pod.energy = hyper.at("pod_energy").get<double>();
        const data::PodBasis b = data::computePod(X, pod);
        out.basis = b.basis;
        out.record = {{"kind", "pod"},
                      {"rank", b.rank()},
                      {"chosen_by", pod.rank > 0 ? "pod_rank" : "pod_energy"},
                      {"retained_energy", b.retainedEnergy()}};
        out.summary = "POD basis of rank " + std::to_string(b.rank()) + " (" + percent(b.retainedEnergy()) + " energy)";
        return out;
    }
    const Eigen::Index dFull = unknownsPerRow(ops, N, inputDim);
    if (dFull <= K) return out;

    // Under-determined without a basis: the largest rank the samples determine, and the energy rank below it.
    Eigen::Index rMax = 0;
    while (rMax < N && unknownsPerRow(ops, rMax + 1, inputDim) <= K) ++rMax;
    if (rMax == 0) return out;   // not even r = 1 is determined: the solver's error explains it
    const double threshold = hyper.at("auto_pod_energy").get<double>();
    data::PodOptions pod;
    pod.rank = static_cast<int>(N);   // all modes; the rank is chosen below
    const data::PodBasis all = data::computePod(X, pod);
    const int rEnergy = data::rankForEnergy(all.singularValues, threshold, data::EnergyCriterion::SquaredSingularValues);
    const Eigen::Index r = std::min<Eigen::Index>(rEnergy, rMax);
    out.basis = all.basis.leftCols(r);
    const double retained = all.energySquared[r - 1];
    out.record = {{"kind", "automatic pod"},
                  {"reason", "no basis was given, but the full-state problem has " + std::to_string(dFull) + " unknowns per row for " +
                                 std::to_string(K) + " samples (N = " + std::to_string(N) + " states)"},
                  {"energy_threshold", threshold},
                  {"energy_rank", rEnergy},
                  {"max_determined_rank", rMax},
                  {"rank", r},
                  {"retained_energy", retained},
                  {"limited_by_samples", r < rEnergy}};
    out.summary = "automatic POD basis of rank " + std::to_string(r) + " of " + std::to_string(N) + " states (" + percent(retained) +
                  " energy; threshold " + percent(threshold) + (r < rEnergy ? ", capped by the number of samples" : "") + ")";
    return out;
}

}  // namespace sd::opinf
