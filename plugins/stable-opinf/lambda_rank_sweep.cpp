#include "plugins/stable-opinf/lambda_rank_sweep.h"

#include "core/common/error.h"
#include "core/data/derivatives.h"
#include "core/data/pod.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/rollout_validation.h"

#include <Eigen/Eigenvalues>
#include <chrono>
#include <cmath>
#include <limits>

namespace sd::opinf {

using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

MatrixXd derivativesOf(const data::Trajectory& tr) {
    if (tr.dxdt.rows() == tr.x.rows() && tr.dxdt.cols() == tr.x.cols() && tr.x.cols() > 0) return tr.dxdt;
    if (tr.t.size() < 5) throw Error("sweep: trajectory '" + tr.id + "'", "needs dxdt or at least 5 sample times");
    data::Trajectory copy = tr;
    data::DerivativeOptions opt;
    opt.overwrite = true;
    data::estimateDerivatives(copy, opt);
    return copy.dxdt;
}

/// Relative error of one validation trajectory, or NaN when the simulation leaves the bound (rollout_validation.h).
double validationError(const QuadraticOperators& ops, const MatrixXd& V, const data::Trajectory& tr, const SweepOptions& o) {
    RolloutOptions r;
    r.stabilityMargin = o.stabilityMargin;
    r.rtol = o.rtol;
    r.atol = o.atol;
    r.maxSteps = o.maxSteps;
    return rolloutRelativeError(ops, V, tr, r);
}

double maxRealEigenvalue(const MatrixXd& A) {
    Eigen::EigenSolver<MatrixXd> es(A, false);
    return es.eigenvalues().real().maxCoeff();
}

}  // namespace

SweepGrid sweepLambdaRank(const std::vector<const data::Trajectory*>& train,
                          const std::vector<const data::Trajectory*>& validation, const SweepOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    if (o.ranks.empty() || o.lambdas.empty()) throw Error("sweep", "the rank and λ lists must not be empty");
    if (train.empty() || validation.empty()) throw Error("sweep", "needs training and validation trajectories");
    for (double l : o.lambdas)
        if (!(l >= 0.0) || !std::isfinite(l)) throw Error("sweep: lambdas", "must be finite and non-negative");
    if (!(o.stabilityMargin > 0.0)) throw Error("sweep: stability margin", "must be positive");
    const Index N = train.front()->x.rows();
    int maxRank = 0;
    for (int r : o.ranks) {
        if (r < 1 || r > N) throw Error("sweep: ranks", "each rank must be in [1, " + std::to_string(N) + "], found " + std::to_string(r));
        maxRank = std::max(maxRank, r);
    }
    for (const auto* tr : validation)
        if (tr->t.size() < 2 || tr->x.rows() != N || tr->x.norm() == 0.0 || (o.ops.B && tr->u.cols() != tr->t.size()))
            throw Error("sweep: validation trajectory '" + tr->id + "'", "needs times, non-zero states of dimension " +
                                                                             std::to_string(N) + " and inputs");

    data::PodOptions podOptions;
    podOptions.rank = maxRank;
    const data::PodBasis pod = data::computePod(train, podOptions);
    const MatrixXd X = data::stackStates(train);
    MatrixXd Z(N, X.cols()), U(o.ops.B ? train.front()->u.rows() : 0, X.cols());
    Index col = 0;
    for (const auto* tr : train) {
        Z.middleCols(col, tr->x.cols()) = derivativesOf(*tr);
        if (o.ops.B) {
            if (tr->u.rows() != U.rows() || tr->u.cols() != tr->x.cols())
                throw Error("sweep: trajectory '" + tr->id + "'", "inputs do not match the states");
            U.middleCols(col, tr->x.cols()) = tr->u;
        }
        col += tr->x.cols();
    }

    SweepGrid g;
    g.ranks = o.ranks;
    g.lambdas = o.lambdas;
    g.stableVariant = o.stableTraining.has_value();
    g.validationTrajectories = static_cast<int>(validation.size());
    const Index R = static_cast<Index>(o.ranks.size()), L = static_cast<Index>(o.lambdas.size());
    g.error = MatrixXd::Constant(R, L, kNaN);
    g.maxRealEigenvalue = MatrixXd::Constant(R, L, kNaN);
    g.trainResidual = MatrixXd::Constant(R, L, kNaN);
    g.stable.setConstant(R, L, false);
    g.energy.resize(R);

    for (Index i = 0; i < R; ++i) {
        const int r = o.ranks[static_cast<std::size_t>(i)];
        g.energy[i] = pod.energySquared[r - 1];
        const MatrixXd V = pod.basis.leftCols(r);
        const MatrixXd Xh = V.transpose() * X, Zh = V.transpose() * Z;
        const LeastSquaresOpInf solver(Xh, U, Zh, o.ops);

        std::vector<ReducedTrajectory> reduced;
        StableStructure st;
        if (o.stableTraining) {
            Index c0 = 0;
            for (const auto* tr : train) {
                ReducedTrajectory rt;
                rt.t = tr->t;
                rt.X = Xh.middleCols(c0, tr->x.cols());
                rt.Z = Zh.middleCols(c0, tr->x.cols());
                rt.U = U.middleCols(c0, tr->x.cols());
                reduced.push_back(std::move(rt));
                c0 += tr->x.cols();
            }
            st.n = r;
            st.m = o.ops.B ? U.rows() : 0;
            st.constant = o.ops.c;
            st.quadratic = o.ops.H ? QuadraticStructure::EnergyPreserving : QuadraticStructure::None;
        }
        for (Index j = 0; j < L; ++j) {
            const double lambda = o.lambdas[static_cast<std::size_t>(j)];
            QuadraticOperators ops;
            if (o.stableTraining) {
                StableParameters p = StableParameters::nearOperators(st, solver.solve({}));
                StableTrainingOptions t = *o.stableTraining;
                t.l1H = lambda;
                trainStableOpInf(p, reduced, {}, t);
                ops = p.operators();
            } else {
                ops = solver.solve({lambda, lambda, lambda, lambda});
            }
            g.trainResidual(i, j) = (Zh - ops.evaluate(Xh, U)).squaredNorm() / static_cast<double>(Zh.size());
            g.maxRealEigenvalue(i, j) = maxRealEigenvalue(ops.linearPart());
            double sum = 0.0;
            bool ok = true;
            for (const auto* tr : validation) {
                const double e = validationError(ops, V, *tr, o);
                if (!std::isfinite(e)) { ok = false; break; }
                sum += e;
            }
            g.stable(i, j) = ok;
            if (ok) g.error(i, j) = sum / static_cast<double>(validation.size());
        }
    }
    g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return g;
}

json sweepJson(const SweepGrid& g) {
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    auto grid = [&](const MatrixXd& m) {
        json rows = json::array();
        for (Index i = 0; i < m.rows(); ++i) {
            json row = json::array();
            for (Index j = 0; j < m.cols(); ++j) row.push_back(num(m(i, j)));
            rows.push_back(row);
        }
        return rows;
    };
    json stable = json::array();
    json best = nullptr;
    double bestErr = std::numeric_limits<double>::infinity();
    for (Index i = 0; i < g.stable.rows(); ++i) {
        json row = json::array();
        for (Index j = 0; j < g.stable.cols(); ++j) {
            row.push_back(bool(g.stable(i, j)));
            if (g.stable(i, j) && g.error(i, j) < bestErr) {
                bestErr = g.error(i, j);
                best = {{"rank", g.ranks[static_cast<std::size_t>(i)]}, {"lambda", g.lambdas[static_cast<std::size_t>(j)]},
                        {"error", bestErr}};
            }
        }
        stable.push_back(row);
    }
    json energy = json::array();
    for (Index i = 0; i < g.energy.size(); ++i) energy.push_back(g.energy[i]);
    return {{"kind", "opinf-lambda-rank-sweep"},
            {"variant", g.stableVariant ? "stable" : "least-squares"},
            {"ranks", g.ranks},
            {"lambdas", g.lambdas},
            {"lambda_meaning", g.stableVariant ? "λ_H of the L1 penalty mean|H|" : "Tikhonov weight λ on every operator (Γ = λI)"},
            {"error", grid(g.error)},
            {"stable", stable},
            {"max_real_eigenvalue", grid(g.maxRealEigenvalue)},
            {"train_residual", grid(g.trainResidual)},
            {"energy", energy},
            {"best", best},
            {"error_measure", "mean over validation trajectories of ‖X − V_r X̂‖_F / ‖X‖_F"},
            {"stability_rule", "unstable (null error) if a validation simulation diverges or its state norm exceeds margin × the largest state norm of that validation trajectory"},
            {"validation_trajectories", g.validationTrajectories},
            {"seconds", g.seconds}};
}

}  // namespace sd::opinf
