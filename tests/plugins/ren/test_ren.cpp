// Tests of the ren plugin core (docs/methods/ren.md): the LMI of every class holds for random direct parameters
// (Cholesky), the equilibrium solvers and their implicit-function-theorem gradients, contraction and
// dissipation inequalities, observed sensitivity ≤ γ, zero-size dimensions, and model-level training.
#include "core/autodiff/backward.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "plugins/ren/baselines.h"
#include "plugins/ren/direct_params.h"
#include "plugins/ren/equilibrium.h"
#include "plugins/ren/lmi_check.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"
#include "plugins/ren/ren_simulation.h"
#include "plugins/ren/sensitivity.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <QtTest>
#include <cmath>

using namespace sd;
using namespace sd::ren;
using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

namespace {

RenConfig makeConfig(RenClass cls, Index nu, Index nx, Index nv, Index ny, bool acyclic = true) {
    RenConfig c;
    c.renClass = cls;
    c.nu = nu, c.nx = nx, c.nv = nv, c.ny = ny;
    c.acyclic = acyclic;
    c.activation = RenActivation::Tanh;
    c.epsilon = 1e-6;
    c.gamma = 2.5;
    c.prTol = 1e-12;
    c.prMaxIter = 20000;
    return c;
}

/// Random valid general (Q, S, R): Q = −XᵀX − 0.1I, R = SQ⁻¹Sᵀ + YᵀY + 0.1I (docs/methods/ren.md §4.2).
void randomQsr(RenConfig& c, Rng& rng) {
    const MatrixXd Xq = rng.normalMatrix(c.ny, c.ny);
    c.Q = -(Xq.transpose() * Xq) - 0.1 * MatrixXd::Identity(c.ny, c.ny);
    c.S = 0.5 * rng.normalMatrix(c.nu, c.ny);
    const MatrixXd Yr = rng.normalMatrix(c.nu, c.nu);
    c.R = c.S * c.Q.inverse() * c.S.transpose() + Yr.transpose() * Yr + 0.1 * MatrixXd::Identity(c.nu, c.nu);
    c.R = 0.5 * (c.R + c.R.transpose());
}

/// All the configurations the property tests sweep.
std::vector<std::pair<std::string, RenConfig>> sweep(Rng& rng) {
    std::vector<std::pair<std::string, RenConfig>> out;
    for (bool acyclic : {true, false}) {
        const std::string tag = acyclic ? "/acyclic" : "/full";
        RenConfig c = makeConfig(RenClass::Contracting, 2, 4, 6, 3, acyclic);
        out.push_back({"contracting" + tag, c});
        c.alphaBar = 0.5;
        out.push_back({"contracting-alpha0.5" + tag, c});
        c = makeConfig(RenClass::Contracting, 2, 4, 6, 3, acyclic);
        c.polar = false;
        out.push_back({"contracting-nopolar" + tag, c});
        for (auto [nu, ny] : {std::pair<Index, Index>{3, 2}, {2, 2}, {2, 3}}) {
            RenConfig l = makeConfig(RenClass::Lipschitz, nu, 4, 6, ny, acyclic);
            out.push_back({"lipschitz-nu" + std::to_string(nu) + "-ny" + std::to_string(ny) + tag, l});
        }
        RenConfig z = makeConfig(RenClass::Lipschitz, 2, 4, 6, 3, acyclic);
        z.d22Zero = true;
        out.push_back({"lipschitz-d22zero" + tag, z});
        RenConfig g = makeConfig(RenClass::General, 3, 4, 6, 2, acyclic);
        randomQsr(g, rng);
        out.push_back({"general" + tag, g});
        RenConfig p = makeConfig(RenClass::Passive, 2, 4, 6, 2, acyclic);
        p.passiveNu = 0.3;
        out.push_back({"passive-nu0.3" + tag, p});
        p.passiveNu = 0.0;
        p.passiveRho = 0.5;
        out.push_back({"passive-rho0.5" + tag, p});
    }
    for (auto& [name, c] : out) c.validate();
    return out;
}

/// One explicit step for a batch of states / inputs (values only).
struct StepOut { MatrixXd xNext, y; };
StepOut stepOnce(const RenConfig& c, const ExplicitRen& e, const MatrixXd& x, const MatrixXd& u) {
    ad::NoGradGuard g;
    const RenRollout r = simulateRen(c, e, Var::constant(x), Var::constant(u), 1);
    return {r.finalState.value(), r.Y.value()};
}

/// Supply s(Δy, Δu) = ΔyᵀQΔy + 2ΔuᵀSΔy + ΔuᵀRΔu for the IQC classes.
double supply(const RenConfig& c, const Eigen::VectorXd& dy, const Eigen::VectorXd& du) {
    return dy.dot(c.Q * dy) + 2.0 * du.dot(c.S * dy) + du.dot(c.R * du);
}

sd::data::Dataset tinyIo() {
    sd::data::Dataset ds;
    ds.name = "tiny-io";
    ds.inputNames = {"u"};
    ds.outputNames = {"y"};
    Rng rng(9);
    for (int s = 0; s < 2; ++s) {
        sd::data::Trajectory tr;
        tr.id = "seq" + std::to_string(s);
        const int K = 300;
        tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, K - 1.0);
        tr.u = rng.normalMatrix(1, K);
        tr.y.resize(1, K);
        double a = 0.0, b = 0.0;
        for (int k = 0; k < K; ++k) {
            tr.y(0, k) = std::tanh(a + 0.3 * b);
            const double an = 0.7 * a + 0.2 * b + tr.u(0, k), bn = -0.2 * a + 0.6 * b;
            a = an, b = bn;
        }
        ds.trajectories.push_back(tr);
    }
    ds.splits["train"] = {0};
    ds.splits["validation"] = {1};
    return ds;
}

}  // namespace

class TestRen : public QObject {
    Q_OBJECT

private slots:
    // ---- LMI by Cholesky and well-posedness for random direct parameters (docs/methods/ren.md §4.5, §9.1) ----
    void randomParametersSatisfyTheirLmi() {
        Rng cfgRng(11);
        for (const auto& [name, c] : sweep(cfgRng)) {
            for (int trial = 0; trial < 5; ++trial) {
                Rng rng(100 + trial);
                const RenInit init = trial == 4 ? RenInit::Paper : RenInit::Random;
                const nn::ParameterSet p = initDirectParameters(c, rng, init);
                ImplicitRen im;
                const ExplicitRen e = buildExplicit(c, p, &im);
                const LmiReport r = checkLmi(c, im, e);
                QVERIFY2(r.lmiHolds, (name + ": LMI Cholesky failed, min eigenvalue " + std::to_string(r.lmiMinEigenvalue)).c_str());
                QVERIFY2(r.assemblyMismatch < 1e-12, (name + ": assembled LMI differs from H by " + std::to_string(r.assemblyMismatch)).c_str());
                QVERIFY2(r.eInvertible && r.wellPosed && r.rTildePositive, name.c_str());
                QVERIFY2(r.explicitMismatch < 1e-10, name.c_str());
                QVERIFY((im.Lambda.value().array() > 0.0).all());
                if (c.acyclic) QCOMPARE(MatrixXd(e.D11.value().triangularView<Eigen::Upper>()).norm(), 0.0);
                if (c.renClass == RenClass::Lipschitz) {
                    const double d22 = e.D22.value().size() ? Eigen::JacobiSVD<MatrixXd>(e.D22.value()).singularValues()(0) : 0.0;
                    QVERIFY2(d22 < c.gamma, name.c_str());
                }
            }
        }
    }

    // ---- polar invariance (docs/methods/ren.md §4.1) ----
    void polarParameterisationIsScaleInvariant() {
        RenConfig c = makeConfig(RenClass::Contracting, 2, 3, 5, 2);
        c.validate();
        Rng rng(3);
        const nn::ParameterSet p = initDirectParameters(c, rng, RenInit::Random);
        ImplicitRen a, b;
        buildExplicit(c, p, &a);
        p.set("X", 3.7 * p.get("X"));
        buildExplicit(c, p, &b);
        QVERIFY((a.H.value() - b.H.value()).norm() <= 1e-12 * a.H.value().norm());
    }

    // ---- equilibrium solvers (docs/methods/ren.md §5) ----
    void acyclicSolveHasTinyResidual() {
        Rng rng(5);
        const Index n = 30;
        const MatrixXd D = MatrixXd(rng.normalMatrix(n, n).triangularView<Eigen::StrictlyLower>());
        const MatrixXd b = rng.normalMatrix(n, 7);
        for (RenActivation act : {RenActivation::Tanh, RenActivation::ReLU, RenActivation::Sigmoid}) {
            const MatrixXd w = solveAcyclicEquilibrium(D, b, act);
            const MatrixXd v = D * w + b;
            const MatrixXd res = w - v.unaryExpr([act](double a) { return activate(act, a); });
            QVERIFY(res.cwiseAbs().maxCoeff() <= 1e-14);
        }
    }

    void splittingAgreesWithAcyclicOnLowerTriangularD11() {
        Rng rng(6);
        const Index n = 12;
        const MatrixXd D = 0.3 * MatrixXd(rng.normalMatrix(n, n).triangularView<Eigen::StrictlyLower>());
        const MatrixXd b = rng.normalMatrix(n, 5);
        for (RenActivation act : {RenActivation::ReLU, RenActivation::Tanh}) {
            for (double alpha : {1.0, 0.5}) {
                if (act != RenActivation::ReLU && alpha != 1.0) continue;
                PeacemanRachford pr(D, act, alpha, 1e-13, 20000);
                const auto r = pr.solve(b);
                QVERIFY(r.converged);
                QVERIFY((r.w - solveAcyclicEquilibrium(D, b, act)).cwiseAbs().maxCoeff() < 1e-10);
            }
        }
    }

    void splittingConvergesForFullRen() {
        RenConfig c = makeConfig(RenClass::Contracting, 2, 3, 10, 2, /*acyclic=*/false);
        c.validate();
        for (int seed = 0; seed < 5; ++seed) {
            Rng rng(seed);
            const ExplicitRen e = buildExplicit(c, initDirectParameters(c, rng, RenInit::Random));
            const MatrixXd b = rng.normalMatrix(c.nv, 4);
            const auto r = e.splitting->solve(b);
            QVERIFY(r.converged);
            const MatrixXd res = r.w - (e.D11.value() * r.w + b).unaryExpr([](double a) { return std::tanh(a); });
            QVERIFY(res.cwiseAbs().maxCoeff() < 1e-10);
        }
        QVERIFY_THROWS_EXCEPTION(sd::Error, PeacemanRachford(MatrixXd::Zero(3, 3), RenActivation::Tanh, 0.5, 1e-6, 10));
    }

    // ---- IFT gradients (docs/methods/ren.md §5.2) against finite differences and naive unrolled autodiff ----
    void equilibriumGradientsMatchFiniteDifferences() {
        Rng rng(7);
        const Index n = 6, B = 3;
        const MatrixXd W = rng.normalMatrix(n, B);   // L = Σ W∘w
        for (bool acyclic : {true, false}) {
            // Small ‖D₁₁‖ keeps the full equilibrium unique and the splitting contractive.
            MatrixXd D0 = (acyclic ? 0.5 : 0.15) * rng.normalMatrix(n, n);
            if (acyclic) D0 = MatrixXd(D0.triangularView<Eigen::StrictlyLower>());
            const MatrixXd b0 = rng.normalMatrix(n, B);
            auto loss = [&](const MatrixXd& D, const MatrixXd& b) {
                if (acyclic) return (W.array() * solveAcyclicEquilibrium(D, b, RenActivation::Tanh).array()).sum();
                PeacemanRachford pr(D, RenActivation::Tanh, 1.0, 1e-14, 100000);
                return (W.array() * pr.solve(b).w.array()).sum();
            };
            const Var D = Var::leaf(D0, true), b = Var::leaf(b0, true);
            const Var w = acyclic ? acyclicEquilibrium(D, b, RenActivation::Tanh)
                                  : fullEquilibrium(D, b, std::make_shared<PeacemanRachford>(D0, RenActivation::Tanh, 1.0, 1e-14, 100000), nullptr);
            const auto g = ad::grad(ad::sum(ad::mul(w, Var::constant(W))), {D, b});
            const auto f = [&](const std::vector<MatrixXd>& in) { return loss(in[0], in[1]); };
            MatrixXd nD = ad::numericalGradient(f, {D0, b0}, 0, 1e-6);
            const MatrixXd nb = ad::numericalGradient(f, {D0, b0}, 1, 1e-6);
            if (acyclic) nD = MatrixXd(nD.triangularView<Eigen::StrictlyLower>());   // the node reads only that triangle
            QVERIFY2((g[0].value() - nD).cwiseAbs().maxCoeff() < 1e-7 * (1.0 + nD.cwiseAbs().maxCoeff()),
                     ((acyclic ? "acyclic D11 " : "full D11 ") + std::to_string((g[0].value() - nD).cwiseAbs().maxCoeff())).c_str());
            QVERIFY2((g[1].value() - nb).cwiseAbs().maxCoeff() < 1e-7 * (1.0 + nb.cwiseAbs().maxCoeff()), acyclic ? "acyclic b" : "full b");
        }
    }

    void acyclicGradientMatchesUnrolledAutodiff() {
        Rng rng(8);
        const Index n = 5, B = 2;
        const MatrixXd D0 = MatrixXd(rng.normalMatrix(n, n).triangularView<Eigen::StrictlyLower>());
        const MatrixXd b0 = rng.normalMatrix(n, B), W = rng.normalMatrix(n, B);
        const Var D = Var::leaf(D0, true), b = Var::leaf(b0, true);
        // Naive: the row loop written with ops, one graph node per row.
        std::vector<Var> rows;
        for (Index i = 0; i < n; ++i) {
            Var v = ad::rowsOf(b, i, 1);
            if (i > 0) v = v + ad::matmul(ad::block(D, i, 0, 1, i), ad::vcat(rows));
            rows.push_back(ad::tanh(v));
        }
        const Var naive = ad::vcat(rows);
        const auto gn = ad::grad(ad::sum(ad::mul(naive, Var::constant(W))), {D, b});
        const auto gi = ad::grad(ad::sum(ad::mul(acyclicEquilibrium(D, b, RenActivation::Tanh), Var::constant(W))), {D, b});
        QVERIFY((naive.value() - solveAcyclicEquilibrium(D0, b0, RenActivation::Tanh)).norm() < 1e-14);
        QVERIFY((gn[0].value() - gi[0].value()).norm() < 1e-12 * (1.0 + gn[0].value().norm()));
        QVERIFY((gn[1].value() - gi[1].value()).norm() < 1e-12 * (1.0 + gn[1].value().norm()));
    }

    /// The whole direct→explicit map plus a 20-step rollout loss against central differences for every
    /// parameter tensor (relative error < 1e-6).
    void rolloutLossGradientMatchesFiniteDifferences() {
        Rng cfgRng(12);
        for (const auto& [name, c0] : sweep(cfgRng)) {
            RenConfig c = c0;
            Rng rng(21);
            const nn::ParameterSet p = initDirectParameters(c, rng, RenInit::Random);
            const Index K = 20, B = 2;
            const MatrixXd U = rng.normalMatrix(c.nu, K * B), T = rng.normalMatrix(c.ny, K * B), x0 = rng.normalMatrix(c.nx, B);
            auto lossValue = [&]() {
                ad::NoGradGuard g;
                return ad::mseLoss(simulateRen(c, buildExplicit(c, p), Var::constant(x0), Var::constant(U), K).Y, Var::constant(T)).item();
            };
            p.zeroGrad();
            ad::backward(ad::mseLoss(simulateRen(c, buildExplicit(c, p), Var::constant(x0), Var::constant(U), K).Y, Var::constant(T)));
            const double h = 1e-6;
            for (const auto& entry : p.entries()) {
                const MatrixXd base = entry.var.value();
                if (base.size() == 0) continue;
                MatrixXd num(base.rows(), base.cols());
                for (Index i = 0; i < base.size(); ++i) {
                    MatrixXd plus = base, minus = base;
                    plus.data()[i] += h;
                    minus.data()[i] -= h;
                    p.set(entry.name, plus);
                    const double fp = lossValue();
                    p.set(entry.name, minus);
                    const double fm = lossValue();
                    num.data()[i] = (fp - fm) / (2 * h);
                }
                p.set(entry.name, base);
                const MatrixXd& an = entry.var.grad();
                QVERIFY2(an.rows() == num.rows() && an.cols() == num.cols(), (name + " parameter " + entry.name + ": no gradient").c_str());
                const double err = (an - num).cwiseAbs().maxCoeff() / std::max(1.0, num.cwiseAbs().maxCoeff());
                QVERIFY2(err < 1e-6, (name + " parameter " + entry.name + ": relative error " + std::to_string(err)).c_str());
            }
        }
    }

    // ---- contraction (docs/methods/ren.md §9.2) ----
    void twoSimulationsConvergeUnderTheSameInput() {
        for (double alpha : {1.0, 0.5}) {
            RenConfig c = makeConfig(RenClass::Contracting, 2, 5, 8, 2);
            c.alphaBar = alpha;
            c.validate();
            for (int seed = 0; seed < 3; ++seed) {
                Rng rng(seed + 40);
                ImplicitRen im;
                const ExplicitRen e = buildExplicit(c, initDirectParameters(c, rng, RenInit::Random), &im);
                const MatrixXd Pm = incrementalLyapunovMatrix(im);
                // One step: V(Δx⁺) ≤ ᾱ² V(Δx) on random pairs of states under a shared input.
                for (int k = 0; k < 20; ++k) {
                    const MatrixXd xa = 3.0 * rng.normalMatrix(c.nx, 1), xb = 3.0 * rng.normalMatrix(c.nx, 1), u = rng.normalMatrix(c.nu, 1);
                    MatrixXd X(c.nx, 2), Uu(c.nu, 2);
                    X << xa, xb;
                    Uu << u, u;
                    const StepOut s = stepOnce(c, e, X, Uu);
                    const Eigen::VectorXd d0 = xa - xb, d1 = s.xNext.col(0) - s.xNext.col(1);
                    const double V0 = d0.dot(Pm * d0), V1 = d1.dot(Pm * d1);
                    QVERIFY2(V1 - alpha * alpha * V0 <= 1e-9 * (1.0 + V0), ("alpha " + std::to_string(alpha)).c_str());
                }
                // 500 steps from two random states: the distance shrinks (geometrically for ᾱ < 1).
                const ContractionReport r = checkContractionBySimulation(c, e, 500, 77 + seed, 3.0);
                if (alpha < 1.0) {
                    // ‖Δx_t‖ ≤ κ ᾱᵗ ‖Δx₀‖ with κ = √cond(𝒫).
                    const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<MatrixXd>(Pm).eigenvalues();
                    const double kappa = std::sqrt(ev.maxCoeff() / ev.minCoeff());
                    QVERIFY(r.finalDistance <= kappa * std::pow(alpha, 500) * r.initialDistance + 1e-12);
                } else {
                    QVERIFY2(r.finalDistance < 1e-3 * r.initialDistance, std::to_string(r.finalDistance / r.initialDistance).c_str());
                }
            }
        }
    }

    // ---- one-step dissipation inequalities, Lipschitz, general, passive (docs/methods/ren.md §4.2) ----
    void oneStepDissipationInequalities() {
        Rng cfgRng(13);
        for (const auto& [name, c] : sweep(cfgRng)) {
            if (!c.isRobust()) continue;
            for (int seed = 0; seed < 3; ++seed) {
                Rng rng(seed + 60);
                ImplicitRen im;
                const ExplicitRen e = buildExplicit(c, initDirectParameters(c, rng, RenInit::Random), &im);
                const MatrixXd Pm = incrementalLyapunovMatrix(im);
                for (int k = 0; k < 20; ++k) {
                    MatrixXd X = 2.0 * rng.normalMatrix(c.nx, 2), U = 2.0 * rng.normalMatrix(c.nu, 2);
                    const StepOut s = stepOnce(c, e, X, U);
                    const Eigen::VectorXd dx0 = X.col(0) - X.col(1), dx1 = s.xNext.col(0) - s.xNext.col(1);
                    const Eigen::VectorXd dy = s.y.col(0) - s.y.col(1), du = U.col(0) - U.col(1);
                    const double dV = dx1.dot(Pm * dx1) - dx0.dot(Pm * dx0);
                    const double sup = supply(c, dy, du);
                    QVERIFY2(dV <= sup + 1e-9 * (1.0 + std::abs(sup) + dx0.dot(Pm * dx0)),
                             (name + ": ΔV " + std::to_string(dV) + " > supply " + std::to_string(sup)).c_str());
                }
            }
        }
    }

    // ---- whole-sequence Lipschitz bound and observed sensitivity ≤ γ (docs/methods/ren.md §9.3) ----
    void lipschitzBoundHoldsOverSequences() {
        for (bool d22zero : {false, true}) {
            RenConfig c = makeConfig(RenClass::Lipschitz, 2, 4, 8, 2);
            c.d22Zero = d22zero;
            c.gamma = 1.5;
            c.validate();
            Rng rng(70);
            const ExplicitRen e = buildExplicit(c, initDirectParameters(c, rng, RenInit::Random));
            ad::NoGradGuard g;
            for (int trial = 0; trial < 5; ++trial) {
                const Index K = 200;
                const MatrixXd x0 = rng.normalMatrix(c.nx, 1);
                const MatrixXd ua = rng.normalMatrix(c.nu, K), ub = ua + 0.3 * rng.normalMatrix(c.nu, K);
                const MatrixXd ya = simulateRen(c, e, Var::constant(x0), Var::constant(ua), K).Y.value();
                const MatrixXd yb = simulateRen(c, e, Var::constant(x0), Var::constant(ub), K).Y.value();
                QVERIFY((ya - yb).norm() <= c.gamma * (ua - ub).norm() * (1.0 + 1e-12));
            }
        }
    }

    void observedSensitivityStaysBelowGamma() {
        RenConfig c = makeConfig(RenClass::Lipschitz, 1, 4, 8, 1);
        c.gamma = 2.0;
        c.activation = RenActivation::ReLU;
        c.validate();
        Rng rng(71);
        const ExplicitRen e = buildExplicit(c, initDirectParameters(c, rng, RenInit::Random));
        SensitivityOptions o;
        o.length = 100;
        o.iterations = 60;
        o.seed = 3;
        const auto r = estimateSensitivity([&](const Var& x0, const Var& U) { return simulateRen(c, e, x0, U, U.cols()).Y; }, c.nx, c.nu, o);
        QVERIFY(r.lowerBound > 0.0);
        QVERIFY(r.lowerBound >= r.initialRatio);   // ascent never reports less than its start
        QVERIFY2(r.lowerBound <= c.gamma, std::to_string(r.lowerBound).c_str());
    }

    void sensitivityEstimateApproachesGainOfLinearSystem() {
        // y_t = 0.5 y_{t−1} + u_t: H∞ norm 1/(1 − 0.5) = 2. The estimate must approach it from below.
        const SequenceMap lin = [](const Var& x0, const Var& U) {
            std::vector<Var> ys;
            Var y = x0;
            for (Index t = 0; t < U.cols(); ++t) {
                y = 0.5 * y + ad::colsOf(U, t, 1);
                ys.push_back(y);
            }
            return ad::hcat(ys);
        };
        SensitivityOptions o;
        o.length = 200;
        o.iterations = 200;
        const auto r = estimateSensitivity(lin, 1, 1, o);
        QVERIFY2(r.lowerBound <= 2.0 + 1e-9 && r.lowerBound > 1.5, std::to_string(r.lowerBound).c_str());
    }

    // ---- zero-size dimensions (docs/methods/ren.md §2) ----
    void zeroSizeDimensionsWork() {
        for (auto [nx, nv] : {std::pair<Index, Index>{0, 4}, {3, 0}, {0, 0}}) {
            for (RenClass cls : {RenClass::Contracting, RenClass::Lipschitz}) {
                for (bool acyclic : {true, false}) {
                    RenConfig c = makeConfig(cls, 2, nx, nv, 1, acyclic);
                    c.validate();
                    Rng rng(1);
                    const nn::ParameterSet p = initDirectParameters(c, rng, RenInit::Random);
                    ImplicitRen im;
                    const ExplicitRen e = buildExplicit(c, p, &im);
                    QVERIFY(checkLmi(c, im, e).ok());
                    const RenRollout r = simulateRen(c, e, Var::constant(MatrixXd::Zero(nx, 2)), Var::constant(rng.normalMatrix(2, 10)), 5);
                    QCOMPARE(r.Y.rows(), Index(1));
                    QCOMPARE(r.Y.cols(), Index(10));
                    ad::backward(ad::mseLoss(r.Y, Var::constant(MatrixXd::Zero(1, 10))));
                    QVERIFY(p.flattenGradients().allFinite());
                }
            }
        }
    }

    // ---- baselines ----
    void baselineGradientsMatchFiniteDifferences() {
        for (BaselineKind kind : {BaselineKind::Rnn, BaselineKind::Lstm}) {
            Rng rng(2);
            const nn::ParameterSet p = initBaseline(kind, 2, 3, 1, rng);
            const Index K = 6;
            const MatrixXd U = rng.normalMatrix(2, K), x0 = rng.normalMatrix(baselineStateDim(kind, 3), 1);
            const auto f = [&](const std::vector<Var>& in) {
                nn::ParameterSet q;
                for (std::size_t i = 0; i < in.size(); ++i) q.add(p.entries()[i].name, in[i]);
                return simulateBaseline(kind, q, Var::constant(x0), Var::constant(U), K).Y;
            };
            std::vector<MatrixXd> values;
            for (const auto& e : p.entries()) values.push_back(e.var.value());
            const auto r = ad::checkGradient(f, values);
            QVERIFY2(r.ok, r.message.c_str());
        }
        QCOMPARE(baselineParameterCount(BaselineKind::Lstm, 2, 100, 1), Index(4 * 100 * 103 + 101));
    }

    // ---- model level ----
    void trainingReducesSimulationError() {
        const auto ds = tinyIo();
        for (const char* cls : {"ren", "lstm"}) {
            const nlohmann::json hyper = model::validateHyperparameters(
                hyperparameterSchema(), {{"model_class", cls}, {"nx", 4}, {"nv", 8}, {"epochs", 8}, {"seq_len", 50}, {"lr", 1e-2}, {"activation", "tanh"}});
            RenModel m(hyper, data::DatasetInfo::of(ds));
            std::vector<double> losses;
            std::atomic<bool> cancel{false};
            const auto s = m.train(ds, {}, [&](const model::TrainEvent& e) { losses.push_back(e.trainLoss); }, cancel);
            QCOMPARE(int(s.status), int(model::TrainStatus::Completed));
            QVERIFY2(losses.back() < 0.5 * losses.front(), (std::string(cls) + ": " + std::to_string(losses.front()) + " → " + std::to_string(losses.back())).c_str());
            if (std::string(cls) == "ren") QVERIFY(m.certificate()["verified"].get<bool>());
        }
    }

    void trainedLipschitzRenRespectsGamma() {
        const auto ds = tinyIo();
        const nlohmann::json hyper = model::validateHyperparameters(
            hyperparameterSchema(), {{"ren_class", "lipschitz"}, {"gamma", 1.2}, {"nx", 4}, {"nv", 8}, {"epochs", 5}, {"seq_len", 50},
                                     {"lr", 1e-2}, {"sensitivity_iterations", 40}, {"sensitivity_length", 100}});
        RenModel m(hyper, data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        m.train(ds, {}, {}, cancel);
        const auto cert = m.certificate();
        QVERIFY(cert["verified"].get<bool>());
        const double observed = cert["observed_sensitivity"]["observed"].get<double>();
        QVERIFY2(observed > 0.0 && observed <= 1.2, std::to_string(observed).c_str());
        // The same numbers as typed certificate fields.
        const model::Certificate typed = m.certify();
        QCOMPARE(int(typed.kind), int(model::GuaranteeKind::Lipschitz));
        QCOMPARE(typed.lipschitzBound, 1.2);
        QCOMPARE(typed.observedSensitivity, observed);
        QVERIFY(typed.discreteTime);
        QCOMPARE(typed.eigenvalues.size(), std::size_t(4));
        QVERIFY(!typed.checks.empty());
    }

    void paperLossSumsOverChannelsAndSequences() {
        // loss_reduction = sum_channels_sequences is the paper code's chunk loss: the mean squared error times
        // n_y · sequences. With a negligible step the two runs see the same parameters, so their first-epoch
        // train losses differ by exactly that factor.
        auto ds = tinyIo();
        ds.splits["train"] = {0, 1};   // two sequences, so the factor is not 1
        ds.splits.erase("validation");
        auto trainLoss = [&](const char* reduction) {
            const nlohmann::json hyper = model::validateHyperparameters(
                hyperparameterSchema(), {{"nx", 3}, {"nv", 6}, {"epochs", 1}, {"seq_len", 50}, {"lr", 1e-12}, {"loss_reduction", reduction}});
            RenModel m(hyper, data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            return m.train(ds, {}, {}, cancel).finalTrainLoss;
        };
        const double mean = trainLoss("mean"), summed = trainLoss("sum_channels_sequences");
        const double factor = double(ds.outputNames.size() * ds.splits["train"].size());
        QCOMPARE(factor, 2.0);
        QVERIFY2(std::abs(summed / mean - factor) < 1e-6 * factor, (std::to_string(mean) + " vs " + std::to_string(summed)).c_str());
    }

    void variantsTrainAndExport() {
        const auto ds = tinyIo();
        const std::vector<nlohmann::json> variants = {
            {{"training", "echo-state"}, {"nv", 20}},
            {{"equilibrium", "full"}, {"activation", "tanh"}},
            {{"initial_state", "learned"}},
            {{"initial_state", "estimated"}, {"estimation_steps", 5}},
            {{"chunk_batch", 3}, {"seq_len", 40}},
            {{"optimiser", "parity"}},
            {{"optimiser", "parity"}, {"loss_reduction", "sum_channels_sequences"}, {"chunk_batch", 2}, {"seq_len", 40}},
            {{"ren_class", "passive"}, {"passive_nu", 0.1}},
            {{"ren_class", "general"}, {"qsr_Q", {-2.0}}, {"qsr_S", {0.5}}, {"qsr_R", {1.0}}},
            {{"model_class", "rnn"}},
        };
        for (nlohmann::json h : variants) {
            h["epochs"] = h.value("epochs", 2);
            if (!h.contains("nx")) h["nx"] = 3;
            if (!h.contains("nv")) h["nv"] = 6;
            const nlohmann::json hyper = model::validateHyperparameters(hyperparameterSchema(), h);
            RenModel m(hyper, data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            const auto s = m.train(ds, {}, {}, cancel);
            QVERIFY2(s.status == model::TrainStatus::Completed, h.dump().c_str());
            QVERIFY2(std::isfinite(s.finalTrainLoss), h.dump().c_str());
            const auto doc = m.toJson();
            const auto back = RenModel::fromJson(nlohmann::json::parse(doc.dump()));
            QCOMPARE(back->toJson().dump(), doc.dump());
            const auto p1 = m.predict(ds.trajectories[1]), p2 = back->predict(ds.trajectories[1]);
            QVERIFY2(p1.y == p2.y && p1.y.allFinite(), h.dump().c_str());
            if (!m.isBaseline()) QVERIFY2(m.certificate()["verified"].get<bool>(), h.dump().c_str());
            // The guarantee kind follows the class; baselines claim nothing.
            const std::string cls = h.value("ren_class", std::string("contracting"));
            const auto kind = m.certify().kind;
            if (m.isBaseline()) QCOMPARE(int(kind), int(model::GuaranteeKind::None));
            else if (cls == "passive") QCOMPARE(int(kind), int(model::GuaranteeKind::IncrementalPassivity));
            else if (cls == "general") QCOMPARE(int(kind), int(model::GuaranteeKind::IncrementalDissipativity));
            else QCOMPARE(int(kind), int(model::GuaranteeKind::Contraction));
        }
    }

    void refusesBadInput() {
        const auto ds = tinyIo();
        auto info = data::DatasetInfo::of(ds);
        QVERIFY_THROWS_EXCEPTION(sd::Error, RenModel(model::validateHyperparameters(hyperparameterSchema(), {{"ren_class", "general"}, {"qsr_Q", {1.0}}}), info));
        QVERIFY_THROWS_EXCEPTION(sd::Error, RenModel(model::validateHyperparameters(hyperparameterSchema(), {{"ren_class", "general"}, {"qsr_Q", {-1.0, 0.0}}}), info));
        QVERIFY_THROWS_EXCEPTION(sd::Error, RenModel(model::validateHyperparameters(hyperparameterSchema(), {{"training", "observer"}}), info));
        auto two = ds;
        two.inputNames.push_back("u2");
        QVERIFY_THROWS_EXCEPTION(sd::Error, RenModel(model::validateHyperparameters(hyperparameterSchema(), {{"ren_class", "passive"}}), data::DatasetInfo::of(two)));
        RenModel m(model::validateHyperparameters(hyperparameterSchema(), {{"epochs", 1}}), info);
        std::atomic<bool> cancel{false};
        QVERIFY_THROWS_EXCEPTION(sd::Error, m.train(two, {}, {}, cancel));
        QVERIFY_THROWS_EXCEPTION(sd::Error, m.field(MatrixXd::Zero(1, 1), MatrixXd::Zero(1, 1)));
    }

    // docs/RELIABILITY.md "Certificates and model files": what a file claims is never reported as verified.
    void storedClaimsOfATamperedFileAreNotVerified() {
        const auto ds = tinyIo();
        RenModel m(model::validateHyperparameters(hyperparameterSchema(), {{"epochs", 1}, {"nx", 3}, {"nv", 4}, {"ren_class", "lipschitz"},
                                                                            {"sensitivity_iterations", 2}, {"sensitivity_length", 20}}),
                   data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        m.train(ds, {}, {}, cancel);
        const nlohmann::json doc = m.toJson();
        const nlohmann::json original = m.certificate();
        QVERIFY(doc["sensitivity"].is_object());
        // The observed sensitivity is a stored measurement: labelled so, and it never decides `verified`.
        nlohmann::json t = doc;
        t["sensitivity"]["observed"] = 1e6;
        t["certificate"] = {{"guarantee", "forged"}, {"verified", false}, {"gamma", 0.0}};
        const auto back = RenModel::fromJson(t);
        const nlohmann::json cert = back->certificate();
        QCOMPARE(cert["verified"], original["verified"]);
        QCOMPARE(cert["guarantee"], original["guarantee"]);
        QCOMPARE(cert["gamma"], original["gamma"]);
        QVERIFY(cert["observed_sensitivity"]["status"].get<std::string>().find("not verified") != std::string::npos);
        t["sensitivity"]["observed"] = "small";
        try {
            RenModel::fromJson(t);
            QFAIL("accepted a non-numeric observed sensitivity");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.where()).find("sensitivity") != std::string::npos, e.what());
        }
        // B8: sizes the hyperparameters claim are checked against the stored X before the model is built.
        t = doc;
        t["hyperparameters"]["nx"] = 4000;
        t["hyperparameters"]["nv"] = 4000;
        try {
            RenModel::fromJson(t);
            QFAIL("accepted nx = nv = 4000 with small tensors");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.where()).find("parameters.X.shape") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("[12000, 12000]") != std::string::npos, e.what());
        }
    }

    void observerConvergesFromWrongInitialEstimate() {
        // A tiny linear heat-like system observed through its middle node; the C-REN observer is
        // trained on one-step pairs and must forget a wrong initial estimate.
        data::Dataset ds;
        ds.name = "tiny-observer";
        ds.stateNames = {"a", "b", "c"};
        ds.inputNames = {"b_in"};
        ds.outputNames = {"mid"};
        Rng rng(4);
        for (int s = 0; s < 2; ++s) {
            data::Trajectory tr;
            tr.id = "t" + std::to_string(s);
            const int K = 600;
            tr.t = Eigen::VectorXd::LinSpaced(K, 0, K - 1);
            tr.x.resize(3, K), tr.u = rng.uniformMatrix(1, K, 0.0, 1.0), tr.y.resize(1, K);
            Eigen::Vector3d x = s == 0 ? Eigen::Vector3d::Zero() : Eigen::Vector3d::Ones();
            for (int k = 0; k < K; ++k) {
                tr.x.col(k) = x;
                tr.y(0, k) = x[1];
                const Eigen::Vector3d xn(0.6 * x[0] + 0.2 * x[1] + 0.2 * tr.u(0, k), 0.2 * x[0] + 0.6 * x[1] + 0.2 * x[2],
                                         0.2 * x[1] + 0.6 * x[2] + 0.2 * tr.u(0, k));
                x = xn;
            }
            ds.trajectories.push_back(tr);
        }
        ds.splits["train"] = {0};
        ds.splits["test"] = {1};
        const nlohmann::json hyper = model::validateHyperparameters(
            hyperparameterSchema(), {{"training", "observer"}, {"nv", 10}, {"epochs", 30}, {"batch_size", 50}, {"lr", 1e-2}, {"activation", "tanh"}, {"epsilon", 0.01}});
        RenModel m(hyper, data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        QCOMPARE(int(m.train(ds, {}, {}, cancel).status), int(model::TrainStatus::Completed));
        const auto p = m.predict(ds.trajectories[1]);   // estimate starts at 0, truth at 1
        const double e0 = (p.x.col(0) - ds.trajectories[1].x.col(0)).norm();
        const double eEnd = (p.x.rightCols(100) - ds.trajectories[1].x.rightCols(100)).colwise().norm().maxCoeff();
        QVERIFY2(eEnd < 0.1 * e0, (std::to_string(e0) + " → " + std::to_string(eEnd)).c_str());
        QVERIFY(m.certificate()["verified"].get<bool>());
    }
};

QTEST_GUILESS_MAIN(TestRen)
#include "test_ren.moc"
