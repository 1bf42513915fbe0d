#include "core/analysis/equilibria.h"

#include "core/analysis/grid_checks.h"
#include "core/common/error.h"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace sd::analysis {

namespace {

Eigen::VectorXd evaluate(const BatchedField& f, const Eigen::VectorXd& x, const char* where) {
    const Eigen::MatrixXd F = f(x);
    if (F.rows() != x.size() || F.cols() != 1)
        throw Error(where, "the field returned " + std::to_string(F.rows()) + "×" + std::to_string(F.cols()) + " for one state of dimension " +
                               std::to_string(x.size()));
    return F.col(0);
}

double normInf(const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

void finishWithLinearisation(const BatchedField& f, Equilibrium& e, double relativeStep) {
    if (!e.x.allFinite()) return;
    e.jacobian = jacobianFD(f, e.x, relativeStep);
    if (!e.jacobian.allFinite()) return;
    e.eigenvalues = e.jacobian.eigenvalues();
    e.type = classifyEquilibrium(e.eigenvalues);
}

}  // namespace

std::string toString(EquilibriumType type) {
    switch (type) {
        case EquilibriumType::StableNode: return "stable node";
        case EquilibriumType::StableFocus: return "stable focus";
        case EquilibriumType::UnstableNode: return "unstable node";
        case EquilibriumType::UnstableFocus: return "unstable focus";
        case EquilibriumType::Saddle: return "saddle";
        case EquilibriumType::Centre: return "centre";
        case EquilibriumType::NonHyperbolic: return "non-hyperbolic";
    }
    return "unknown";
}

bool isStable(EquilibriumType type) { return type == EquilibriumType::StableNode || type == EquilibriumType::StableFocus; }

Eigen::MatrixXd jacobianFD(const BatchedField& f, const Eigen::VectorXd& x, double relativeStep) {
    const Eigen::Index n = x.size();
    Eigen::MatrixXd X = x.replicate(1, 2 * n);
    Eigen::VectorXd h(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        h[k] = relativeStep * std::max(1.0, std::abs(x[k]));
        X(k, 2 * k) += h[k];
        X(k, 2 * k + 1) -= h[k];
    }
    const Eigen::MatrixXd F = f(X);
    if (F.rows() != n || F.cols() != 2 * n)
        throw Error("jacobianFD", "the field returned " + std::to_string(F.rows()) + "×" + std::to_string(F.cols()) + " for " +
                                      std::to_string(2 * n) + " states of dimension " + std::to_string(n));
    Eigen::MatrixXd J(n, n);
    for (Eigen::Index k = 0; k < n; ++k) J.col(k) = (F.col(2 * k) - F.col(2 * k + 1)) / (2 * h[k]);
    return J;
}

EquilibriumType classifyEquilibrium(const Eigen::VectorXcd& ev, double zeroTolerance) {
    double scale = 1.0;
    for (Eigen::Index k = 0; k < ev.size(); ++k) scale = std::max(scale, std::abs(ev[k]));
    const double zero = zeroTolerance * scale;
    int negative = 0, positive = 0, neutral = 0;
    bool complex = false;
    for (Eigen::Index k = 0; k < ev.size(); ++k) {
        const double re = ev[k].real();
        if (std::abs(ev[k].imag()) > zero) complex = true;
        if (re < -zero) ++negative;
        else if (re > zero) ++positive;
        else ++neutral;
    }
    if (neutral > 0) return neutral == ev.size() && complex ? EquilibriumType::Centre : EquilibriumType::NonHyperbolic;
    if (negative > 0 && positive > 0) return EquilibriumType::Saddle;
    if (negative > 0) return complex ? EquilibriumType::StableFocus : EquilibriumType::StableNode;
    return complex ? EquilibriumType::UnstableFocus : EquilibriumType::UnstableNode;
}

Equilibrium newtonEquilibrium(const BatchedField& f, const Eigen::VectorXd& x0, const NewtonOptions& options) {
    if (x0.size() == 0) throw Error("newtonEquilibrium", "empty start point");
    Equilibrium e;
    e.x = x0;
    Eigen::VectorXd fx = evaluate(f, e.x, "newtonEquilibrium");
    e.residual = normInf(fx);
    while (e.iterations < options.maxIterations && std::isfinite(e.residual) && e.residual > options.tolerance) {
        const Eigen::MatrixXd J = jacobianFD(f, e.x, options.relativeStep);
        if (!J.allFinite()) break;
        Eigen::VectorXd step = J.completeOrthogonalDecomposition().solve(-fx);
        if (!step.allFinite()) break;
        if (options.maxStep > 0 && normInf(step) > options.maxStep) step *= options.maxStep / normInf(step);
        // Backtracking: accept the first step length that decreases ‖f‖.
        double t = 1.0;
        bool accepted = false;
        for (int halvings = 0; halvings <= 20 && !accepted; ++halvings, t *= 0.5) {
            const Eigen::VectorXd candidate = e.x + t * step;
            const Eigen::VectorXd fc = evaluate(f, candidate, "newtonEquilibrium");
            const double r = normInf(fc);
            if (std::isfinite(r) && r < e.residual) {
                e.x = candidate;
                fx = fc;
                e.residual = r;
                accepted = true;
            }
        }
        ++e.iterations;
        if (!accepted) break;   // no descent along the Newton direction: a local minimum of ‖f‖, not a root
    }
    e.converged = std::isfinite(e.residual) && e.residual <= options.tolerance;
    finishWithLinearisation(f, e, options.relativeStep);
    return e;
}

std::vector<Eigen::VectorXd> equilibriumSeeds(const PlaneGrid& grid, const Eigen::MatrixXd& U, const Eigen::MatrixXd& V, int maxSeeds) {
    const Eigen::Index nx = grid.nx(), ny = grid.ny();
    requireGridShape("equilibriumSeeds", "U", U, nx, ny);
    requireGridShape("equilibriumSeeds", "V", V, nx, ny);
    if (grid.points.cols() != nx * ny) throw Error("equilibriumSeeds", "grid.points does not have nx·ny columns");
    auto changesSign = [](double a, double b, double c, double d) {
        const double lo = std::min({a, b, c, d}), hi = std::max({a, b, c, d});
        return lo <= 0 && hi >= 0;
    };
    struct Cell {
        Eigen::Index i, j;
        double speed;
    };
    std::vector<Cell> cells;
    for (Eigen::Index j = 0; j + 1 < ny; ++j)
        for (Eigen::Index i = 0; i + 1 < nx; ++i) {
            const double u[4] = {U(j, i), U(j, i + 1), U(j + 1, i), U(j + 1, i + 1)};
            const double v[4] = {V(j, i), V(j, i + 1), V(j + 1, i), V(j + 1, i + 1)};
            bool finite = true;
            for (int c = 0; c < 4; ++c) finite = finite && std::isfinite(u[c]) && std::isfinite(v[c]);
            if (!finite || !changesSign(u[0], u[1], u[2], u[3]) || !changesSign(v[0], v[1], v[2], v[3])) continue;
            double speed = 0;
            for (int c = 0; c < 4; ++c) speed += std::hypot(u[c], v[c]) / 4;
            cells.push_back({i, j, speed});
        }
    std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.speed < b.speed; });
    if (static_cast<int>(cells.size()) > maxSeeds) cells.resize(static_cast<std::size_t>(std::max(0, maxSeeds)));
    std::vector<Eigen::VectorXd> seeds;
    for (const Cell& c : cells) {
        Eigen::VectorXd s = grid.points.col(c.j * nx + c.i);
        s[grid.dimX] = 0.5 * (grid.x[c.i] + grid.x[c.i + 1]);
        s[grid.dimY] = 0.5 * (grid.y[c.j] + grid.y[c.j + 1]);
        seeds.push_back(std::move(s));
    }
    return seeds;
}

std::vector<Equilibrium> findEquilibria(const BatchedField& f, const std::vector<Eigen::VectorXd>& seeds, const NewtonOptions& options,
                                        double mergeDistance) {
    std::vector<Equilibrium> found;
    for (const auto& seed : seeds) {
        Equilibrium e = newtonEquilibrium(f, seed, options);
        if (!e.converged) continue;
        const bool duplicate = std::any_of(found.begin(), found.end(), [&](const Equilibrium& o) {
            return (o.x - e.x).cwiseAbs().maxCoeff() <= mergeDistance;
        });
        if (!duplicate) found.push_back(std::move(e));
    }
    return found;
}

}  // namespace sd::analysis
