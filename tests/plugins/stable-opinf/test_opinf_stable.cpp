// stable-OpInf: structure of the stable parameterisation (J skew, R ≻ 0, A Hurwitz, xᵀH(x⊗x) = 0) for
// random parameters; the certificate bound and ISS envelope on simulations of random stable models under
// random bounded inputs; gradients of both losses against finite differences; training on noise-free
// Example I data; the Lyapunov view; the (λ, r) sweep masks.
#include "core/autodiff/backward.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/ode/dopri5.h"
#include "core/systems/quadratic_examples.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/quadratic_ad_ops.h"
#include "plugins/stable-opinf/quadratic_terms.h"
#include "plugins/stable-opinf/stability_certificate.h"
#include "plugins/stable-opinf/stable_losses.h"
#include "plugins/stable-opinf/stable_training.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <QtTest>
#include <cmath>

using namespace sd::opinf;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

namespace {

StableStructure structure(Eigen::Index n, Eigen::Index m, bool constant, LyapunovForm form,
                          QuadraticStructure quad = QuadraticStructure::EnergyPreserving) {
    StableStructure st;
    st.n = n;
    st.m = m;
    st.constant = constant;
    st.form = form;
    st.quadratic = quad;
    return st;
}

/// Random parameters with every entry non-zero (T, B, c included), entries ~ N(0, std²).
StableParameters randomFull(const StableStructure& st, double std, sd::Rng& rng) {
    StableParameters p = StableParameters::random(st, std, rng);
    for (auto& [name, m] : p.named()) *m = std * rng.normalMatrix(m->rows(), m->cols());
    return p;
}

sd::ode::Solution simulate(const QuadraticOperators& ops, const VectorXd& x0, const VectorXd& t, const sd::ode::InputSignal& u) {
    const sd::ode::Field f = [&ops](double, const VectorXd& x, const VectorXd& uu) {
        VectorXd dx;
        ops.evaluate(x, uu, dx);
        return dx;
    };
    sd::ode::Dopri5Options opt;
    opt.rtol = 1e-10;
    opt.atol = 1e-12;
    opt.guard.normBound = std::numeric_limits<double>::infinity();   // the quadratic form may pass ‖x‖ = 1e6 transiently
    return sd::ode::integrateDopri5(f, x0, t, u, opt);
}

/// u(t) with ‖u(t)‖₂ ≤ U for all t: each channel U/√m · sin(ω t + φ) with random ω, φ.
sd::ode::InputSignal boundedInput(Eigen::Index m, double U, sd::Rng& rng) {
    VectorXd w(m), phi(m);
    for (Eigen::Index j = 0; j < m; ++j) { w[j] = rng.uniform(0.2, 3.0); phi[j] = rng.uniform(0.0, 6.28); }
    const double a = U / std::sqrt(static_cast<double>(m));
    return sd::ode::InputSignal::fromFunction(m, [=](double t) {
        VectorXd u(m);
        for (Eigen::Index j = 0; j < m; ++j) u[j] = a * std::sin(w[j] * t + phi[j]);
        return u;
    });
}

MatrixXd sampleInput(const sd::ode::InputSignal& u, const VectorXd& t) {
    MatrixXd U(u.dim(), t.size());
    for (Eigen::Index k = 0; k < t.size(); ++k) U.col(k) = u(t[k]);
    return U;
}

json stableHyper(json extra) {
    json h = {{"variant", "stable"}, {"operators", "AHB"}};
    for (auto& [k, v] : extra.items()) h[k] = v;
    return sd::model::validateHyperparameters(hyperparameterSchema(), h);
}

double relErr(const MatrixXd& a, const MatrixXd& b) { return (a - b).norm() / b.norm(); }

}  // namespace

class TestOpInfStable : public QObject {
    Q_OBJECT

private slots:
    void structureHoldsForRandomParameters() {
        sd::Rng rng(11);
        for (int trial = 0; trial < 24; ++trial) {
            const Eigen::Index n = 2 + trial % 5, m = trial % 3;
            const LyapunovForm form = trial % 2 ? LyapunovForm::Quadratic : LyapunovForm::Identity;
            const StableStructure st = structure(n, m, trial % 4 == 0, form);
            const StableParameters p = randomFull(st, 1.0, rng);
            const MatrixXd J = p.J(), R = p.R();
            QCOMPARE((J + J.transpose()).cwiseAbs().maxCoeff(), 0.0);             // skew exactly
            QVERIFY(Eigen::LLT<MatrixXd>(R).info() == Eigen::Success);
            const double sigma = Eigen::SelfAdjointEigenSolver<MatrixXd>(R).eigenvalues()(0);
            QVERIFY(sigma >= st.epsR * (1.0 - 1e-6));
            const QuadraticOperators ops = p.operators();
            if (form == LyapunovForm::Identity)   // monotone: −(A + Aᵀ) = 2R ≻ 0
                QVERIFY(Eigen::LLT<MatrixXd>(-(ops.A + ops.A.transpose())).info() == Eigen::Success);
            QVERIFY(Eigen::EigenSolver<MatrixXd>(ops.A).eigenvalues().real().maxCoeff() < 0.0);

            // Energy preservation for 1000 random x, for the full and the compressed (evaluation) form:
            // |xᵀQH(x⊗x)| ≤ 1e-12 ‖QH‖_F ‖x‖³.
            const MatrixXd Q = p.Q(), QH = Q * ops.H;
            const MatrixXd X = rng.normalMatrix(n, 1000) * 3.0;
            const MatrixXd full = QH * kronSquareColumns(X);
            QuadraticOperators quadOnly = ops;
            quadOnly.ops = OperatorSet::parse("H");
            quadOnly.refreshDerived();
            const MatrixXd compressed = Q * quadOnly.evaluate(X, MatrixXd(0, X.cols()));
            for (Eigen::Index k = 0; k < X.cols(); ++k) {
                const double scale = 1e-12 * QH.norm() * std::pow(X.col(k).norm(), 3);
                QVERIFY(std::abs(X.col(k).dot(full.col(k))) <= scale);
                QVERIFY(std::abs(X.col(k).dot(compressed.col(k))) <= scale);
            }
            const StabilityCertificate cert = analyseStability(p);
            QVERIFY(cert.global);
            QVERIFY(cert.verified());
        }
        // The free (locally stable) structure is not energy-preserving and is reported as local.
        const StableParameters local = randomFull(structure(3, 1, false, LyapunovForm::Quadratic, QuadraticStructure::Free), 1.0, rng);
        const StabilityCertificate lc = analyseStability(local);
        QVERIFY(!lc.global);
        QVERIFY(lc.energyResidualRelative > 1e-3);
        QVERIFY_THROWS_EXCEPTION(sd::Error, lc.radius(1.0));
        QVERIFY(certificateJson(lc, {})["guarantee"].get<std::string>().find("locally stable") != std::string::npos);
    }

    void customNodesMatchFiniteDifferences() {
        sd::Rng rng(5);
        const MatrixXd X = rng.normalMatrix(3, 4), T = rng.normalMatrix(3, 9), Q = rng.normalMatrix(3, 3);
        sd::ad::GradCheckOptions o;
        for (const auto& [name, f, inputs] :
             std::vector<std::tuple<std::string, sd::ad::CheckedFunction, std::vector<MatrixXd>>>{
                 {"kronSquare", [](const std::vector<sd::ad::Var>& v) { return kronSquare(v[0]); }, {X}},
                 {"skewBlocks", [](const std::vector<sd::ad::Var>& v) { return sd::ad::square(skewBlocks(v[0])); }, {T}},
                 {"blocksTimes", [](const std::vector<sd::ad::Var>& v) { return sd::ad::square(blocksTimes(v[0], v[1])); }, {T, Q}}}) {
            const auto r1 = sd::ad::checkGradient(f, inputs, o);
            QVERIFY2(r1.ok, (name + ": " + r1.message).c_str());
            const auto r2 = sd::ad::checkSecondOrder(f, inputs, o);
            QVERIFY2(r2.ok, (name + " (2nd order): " + r2.message).c_str());
        }
        // Values: kronSquare is the Khatri–Rao square, skewBlocks gives skew blocks.
        QVERIFY((kronSquare(sd::ad::Var::constant(X)).value() - kronSquareColumns(X)).norm() == 0.0);
        const MatrixXd H = skewBlocks(sd::ad::Var::constant(T)).value();
        for (int i = 0; i < 3; ++i) QCOMPARE((H.middleCols(3 * i, 3) + H.middleCols(3 * i, 3).transpose()).norm(), 0.0);
    }

    void lossGradientsMatchFiniteDifferences() {
        sd::Rng rng(21);
        // Data: two short trajectories of a random stable system with inputs and noise-free states.
        const StableStructure truthSt = structure(3, 2, true, LyapunovForm::Identity);
        const StableParameters truth = randomFull(truthSt, 0.5, rng);
        const QuadraticOperators truthOps = truth.operators();
        std::vector<ReducedTrajectory> data;
        for (int k = 0; k < 2; ++k) {
            ReducedTrajectory tr;
            tr.t = VectorXd::LinSpaced(40, 0.0, 2.0);
            const auto u = boundedInput(2, 1.0, rng);
            tr.X = simulate(truthOps, rng.normalMatrix(3, 1), tr.t, u).x;
            tr.U = sampleInput(u, tr.t);
            tr.Z = truthOps.evaluate(tr.X, tr.U) + 0.05 * rng.normalMatrix(3, 40);   // perturbed: non-zero residual
            data.push_back(tr);
        }
        DerivativeGram gram;
        Rk4Pairs pairs;
        for (const auto& tr : data) { gram.add(DerivativeGram::of(tr, truthSt)); pairs.append(Rk4Pairs::of(tr)); }

        for (const LyapunovForm form : {LyapunovForm::Identity, LyapunovForm::Quadratic}) {
            for (const QuadraticStructure quad : {QuadraticStructure::EnergyPreserving, QuadraticStructure::Free}) {
                const StableStructure st = structure(3, 2, true, form, quad);
                const StableParameters p = randomFull(st, 0.4, rng);
                std::vector<MatrixXd> inputs;
                for (const auto& [name, m] : p.named()) inputs.push_back(*m);
                auto varsOf = [&](const std::vector<sd::ad::Var>& v) {
                    StableParameterVars pv;
                    std::size_t i = 0;
                    pv.S = v[i++];
                    pv.LR = v[i++];
                    if (form == LyapunovForm::Quadratic) pv.LQ = v[i++];
                    if (quad == QuadraticStructure::EnergyPreserving) pv.T = v[i++]; else pv.Hfree = v[i++];
                    pv.B = v[i++];
                    pv.c = v[i++];
                    return buildOperators(st, pv);
                };
                // Gram-based derivative loss = sample-wise loss, value and gradient.
                {
                    sd::ad::NoGradGuard g;
                    const StableParameterVars pv = StableParameterVars::parametersOf(p);
                    const OperatorVars ops = buildOperators(st, pv);
                    double direct = 0.0;
                    for (const auto& tr : data) direct += derivativeLossDirect(ops, tr).item() * tr.X.cols();
                    direct /= static_cast<double>(gram.count);
                    QVERIFY2(std::abs(derivativeLoss(ops, gram).item() - direct) <= 1e-10 * direct, "Gram loss differs from the direct loss");
                }
                sd::ad::GradCheckOptions o;
                o.absTol = 1e-8;
                o.relTol = 1e-6;
                const auto dLoss = sd::ad::checkGradient(
                    [&](const std::vector<sd::ad::Var>& v) {
                        const OperatorVars ops = varsOf(v);
                        return sd::ad::add(derivativeLoss(ops, gram), l1Penalty(ops, 1e-2));
                    },
                    inputs, o);
                QVERIFY2(dLoss.ok, ("derivative loss: " + dLoss.message).c_str());
                const auto rLoss = sd::ad::checkGradient(
                    [&](const std::vector<sd::ad::Var>& v) {
                        const OperatorVars ops = varsOf(v);
                        return sd::ad::add(rk4OneStepLoss(ops, pairs), l1Penalty(ops, 1e-2));
                    },
                    inputs, o);
                QVERIFY2(rLoss.ok, ("RK4 loss: " + rLoss.message).c_str());
            }
        }
    }

    void fusedRk4LossMatchesTheCompositeGraph() {
        // The fused RK4 node (symmetric quadratic form, hand-written reverse sweep) against the composite graph in
        // the full Kronecker form: value and every operator gradient to ~1e-12, for each operator combination.
        sd::Rng rng(22);
        for (const bool withB : {true, false})
            for (const bool withC : {true, false})
                for (const QuadraticStructure quad : {QuadraticStructure::EnergyPreserving, QuadraticStructure::Free,
                                                      QuadraticStructure::None}) {
                    const Eigen::Index n = 4, m = withB ? 2 : 0;
                    const StableStructure st = structure(n, m, withC, LyapunovForm::Identity, quad);
                    const StableParameters p = randomFull(st, 0.5, rng);
                    std::vector<ReducedTrajectory> data(3);
                    Rk4Pairs pairs;
                    for (auto& tr : data) {
                        tr.t = VectorXd::LinSpaced(30, 0.0, 1.5);
                        tr.t.tail(10).array() += 0.01 * VectorXd::LinSpaced(10, 1, 10).array();  // uneven steps
                        tr.X = rng.normalMatrix(n, 30);
                        tr.U = m > 0 ? rng.normalMatrix(m, 30) : MatrixXd(0, 30);
                        pairs.append(Rk4Pairs::of(tr));
                    }
                    const StableParameterVars vars = StableParameterVars::parametersOf(p);
                    const OperatorVars ops = buildOperators(st, vars);
                    const sd::ad::Var fused = rk4OneStepLoss(ops, pairs), composite = rk4OneStepLossComposite(ops, pairs);
                    QVERIFY(std::abs(fused.item() - composite.item()) <= 1e-12 * composite.item());
                    const std::vector<sd::ad::Var> params = vars.list();
                    const auto gf = sd::ad::grad(fused, params), gc = sd::ad::grad(composite, params);
                    for (std::size_t i = 0; i < params.size(); ++i) {
                        const MatrixXd& a = gf[i].value();
                        const MatrixXd& b = gc[i].value();
                        QVERIFY2((a - b).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + b.cwiseAbs().maxCoeff()),
                                 ("gradient " + std::to_string(i)).c_str());
                    }
                }
        bool threw = false;
        try {
            OperatorVars bad;
            bad.A = sd::ad::Var::constant(MatrixXd::Zero(2, 2));
            Rk4Pairs p;
            p.X0 = p.X1 = MatrixXd::Zero(3, 4);
            p.dt = Eigen::RowVectorXd::Ones(4);
            rk4OneStepLoss(bad, p);
        } catch (const sd::Error&) { threw = true; }
        QVERIFY(threw);
    }

    void certificateHoldsOnRandomModelsUnderBoundedInputs() {
        sd::Rng rng(33);
        int checked = 0;
        for (int trial = 0; trial < 12; ++trial) {
            const Eigen::Index n = 2 + trial % 4, m = 1 + trial % 2;
            const LyapunovForm form = trial % 3 == 2 ? LyapunovForm::Quadratic : LyapunovForm::Identity;
            StableParameters p = randomFull(structure(n, m, trial % 2 == 0, form), 0.7, rng);
            p.LR = MatrixXd::Identity(n, n) + 0.2 * rng.normalMatrix(n, n);   // σmin(R) away from 0: the bound is not vacuous
            const StabilityCertificate cert = analyseStability(p);
            const QuadraticOperators ops = p.operators();
            for (int run = 0; run < 3; ++run) {
                const double U = rng.uniform(0.5, 3.0);
                // Start inside the ball, on it, or far outside.
                const double rho = cert.radius(U);
                const VectorXd x0 = rng.normalMatrix(n, 1).normalized() * (run == 0 ? 0.0 : run == 1 ? 0.5 * rho : 3.0 * rho + 1.0);
                const VectorXd t = VectorXd::LinSpaced(401, 0.0, 20.0);
                const auto u = boundedInput(m, U, rng);
                const auto sol = simulate(ops, x0, t, u);
                QVERIFY2(sol.status.completed(), qPrintable(QString("trial %1 run %2: stopped (reason %3) at t = %4, rho %5, sigma %6")
                                                                .arg(trial).arg(run).arg(int(sol.status.reason)).arg(sol.status.stopTime)
                                                                .arg(rho).arg(cert.sigmaMinR)));
                const TrajectoryBoundCheck c = checkTrajectoryBound(cert, "run", t, sol.x, sampleInput(u, t), false);
                // The sampled inputs never exceed U, so the check's ρ is at most the certified one.
                QVERIFY(c.inputBound <= U * (1.0 + 1e-12));
                const double bound = cert.stateNormBound(x0, U);
                for (Eigen::Index k = 0; k < t.size(); ++k) {
                    QVERIFY2(sol.x.col(k).norm() <= bound * (1.0 + 1e-6), qPrintable(QString("trial %1 run %2 k %3").arg(trial).arg(run).arg(k)));
                    if (form == LyapunovForm::Identity)
                        QVERIFY(sol.x.col(k).norm() <= cert.issEnvelope(x0.norm(), U, t[k]) * (1.0 + 1e-6) + 1e-12);
                }
                QVERIFY2(c.satisfied, toJson(c).dump().c_str());
                ++checked;
            }
        }
        QCOMPARE(checked, 36);
    }

    void certificateRadiusIsTightForALinearModel() {
        // J = 0, R = σ I, B = e₁, c = 0, H = 0 under u ≡ U: x → (U/σ) e₁, so max‖x‖ approaches ρ from below.
        // A wrong radius formula (too small or too large by more than 10 %) fails one of the two asserts.
        const StableStructure st = structure(2, 1, false, LyapunovForm::Identity);
        StableParameters p = StableParameters::zeros(st);
        const double sigma = 0.8;
        p.LR = std::sqrt(sigma - st.epsR) * MatrixXd::Identity(2, 2);
        p.B = MatrixXd::Zero(2, 1);
        p.B(0, 0) = 2.0;
        const StabilityCertificate cert = analyseStability(p);
        QVERIFY(std::abs(cert.sigmaMinR - sigma) < 1e-12);
        const double U = 1.5;
        QVERIFY(std::abs(cert.radius(U) - 2.0 * U / sigma) < 1e-12);
        const VectorXd t = VectorXd::LinSpaced(201, 0.0, 10.0);
        const auto sol = simulate(p.operators(), VectorXd::Zero(2), t, sd::ode::InputSignal::constant(VectorXd::Constant(1, U)));
        const TrajectoryBoundCheck c = checkTrajectoryBound(cert, "step", t, sol.x, MatrixXd::Constant(1, t.size(), U), false);
        QVERIFY(c.satisfied);
        QVERIFY(c.maxNorm > 0.99 * c.bound);   // e^{−8} ≈ 3e-4 away from ρ at t = 10
        QVERIFY(c.maxIssRatio <= 1.0 + 1e-6 && c.maxIssRatio > 0.99);
        // With a constant term ρ grows by ‖c‖/σ.
        StableParameters pc = p;
        pc.structure.constant = true;
        pc.c = MatrixXd::Zero(2, 1);
        pc.c(1, 0) = 0.4;
        QVERIFY(std::abs(analyseStability(pc).radius(U) - (2.0 * U + 0.4) / sigma) < 1e-12);
    }

    void learnsExampleOneFromNoiseFreeData() {
        sd::Rng rng(2024);
        sd::systems::QuadraticDataOptions dataOptions;   // Example I stand-in: 2 training inputs, exact ẋ
        dataOptions.samples = 1001;
        const sd::data::Dataset ds = sd::systems::generateQuadraticData(dataOptions, rng);
        // 12 000 epochs of the default schedule with a small L1 weight (the truth has 12 of 27 H entries non-zero).
        OpInfModel model(stableHyper({{"l1_H", 1e-6}, {"input_bound", 4.0}}), sd::data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        sd::model::TrainRequest req;
        req.seed = 1;
        const auto s = model.train(ds, req, {}, cancel);
        QCOMPARE(int(s.status), int(sd::model::TrainStatus::Completed));
        const auto truth = sd::systems::quadraticExample("example1");
        const double eA = relErr(model.operators().A, truth.A);
        const double eB = relErr(model.operators().B, truth.B);
        qInfo("Example I: final loss %.3g, rel. error A %.3g, B %.3g", s.finalTrainLoss, eA, eB);
        QVERIFY2(eA < 1e-2 && eB < 1e-2, qPrintable(QString("A %1 B %2").arg(eA).arg(eB)));
        // Test inputs (step u ≡ 2, square wave of amplitude 4): relative trajectory error below 2 %.
        const auto tests = ds.split("test");
        QCOMPARE(int(tests.size()), 2);
        for (const auto* tr : tests) {
            const auto p = model.predict(*tr);
            QVERIFY(!p.diverged);
            const double e = relErr(p.x, tr->x);
            qInfo("  %s: relative error %.3g", tr->id.c_str(), e);
            QVERIFY2(e < 2e-2, qPrintable(QString::fromStdString(tr->id) + " " + QString::number(e)));
        }
        const json check = model.checkCertificate(tests);
        QVERIFY2(check["all_satisfied"].get<bool>(), check.dump().c_str());
        const json cert = model.certificate();
        QVERIFY(cert["verified"].get<bool>());
        QCOMPARE(cert["bibs"]["bounds"].size(), std::size_t(2));            // user bound + training inputs
        QCOMPARE(cert["bibs"]["bounds"][0]["input_bound"].get<double>(), 4.0);
        QVERIFY(cert["simulation_check"]["all_satisfied"].get<bool>());     // recomputed by certify
        QVERIFY(model.toJson()["training"]["simulation_check"].is_object()); // the log made after training (train split)
        QCOMPARE(cert["eigenvalues"].size(), std::size_t(3));
    }

    void lyapunovDecreasesOutsideTheCertifiedBall() {
        sd::Rng rng(8);
        sd::systems::QuadraticDataOptions dataOptions;
        dataOptions.samples = 401;
        const sd::data::Dataset ds = sd::systems::generateQuadraticData(dataOptions, rng);
        for (const char* form : {"identity", "quadratic"}) {
            // Start from the projected least-squares fit so that Q ≈ I is well conditioned (rounding of the
            // cubic term stays far below the certified decrease at the sampled states).
            OpInfModel model(stableHyper({{"epochs", 50}, {"lyapunov_form", form}, {"init", "least-squares"}}),
                             sd::data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            model.train(ds, {}, {}, cancel);
            QVERIFY(model.hasLyapunov());
            const StabilityCertificate cert = model.stabilityCertificate();
            const double U = 2.0, rho = cert.radius(U);
            // V̇ = ∇Vᵀ f(x, u) < 0 wherever ‖Qx‖ > ρ and ‖u‖ ≤ U (Q = I for the identity form).
            int tested = 0;
            for (int k = 0; k < 500; ++k) {
                const VectorXd x = rng.normalMatrix(3, 1).normalized() * rng.uniform(1.0, 50.0) * rho / cert.lambdaMinQ;
                if ((cert.Q * x).norm() <= rho * 1.001) continue;
                const MatrixXd u = MatrixXd::Constant(1, 1, rng.uniform(-U, U));
                const double vdot = model.lyapunovGradient(x).col(0).dot(model.field(x, u).col(0));
                QVERIFY2(vdot < 0.0, qPrintable(QString("%1 form: V̇ = %2").arg(form).arg(vdot)));
                ++tested;
            }
            QVERIFY(tested > 400);
            // The typed BIBS bound states the same radius and, from ‖x0‖ alone, a bound no tighter than the
            // plugin's own (x0ᵀQx0 ≤ λmax(Q)‖x0‖²).
            const sd::model::Certificate typed = model.certify();
            QCOMPARE(int(typed.kind), int(sd::model::GuaranteeKind::BoundedInputBoundedState));
            QVERIFY(typed.bibs);
            QCOMPARE(typed.bibs->radius(U), rho);
            QCOMPARE(typed.bibs->identityForm, std::string(form) == "identity");
            const VectorXd x0 = rng.normalMatrix(3, 1) * 3.0;
            const double own = cert.stateNormBound(x0, U), typedBound = typed.bibs->stateNormBound(x0.norm(), U);
            QVERIFY2(typedBound >= own * (1 - 1e-12), qPrintable(QString("%1 < %2").arg(typedBound).arg(own)));
            if (std::string(form) == "identity") QCOMPARE(typedBound, own);
            QCOMPARE(typed.eigenvalues.size(), cert.eigenvalues.size());
            QVERIFY(typed.verified && !typed.checks.empty());
            // ∇V is the gradient of V (central differences).
            const VectorXd x = rng.normalMatrix(3, 1);
            VectorXd fd(3);
            for (int i = 0; i < 3; ++i) {
                VectorXd a = x, b = x;
                a[i] += 1e-6;
                b[i] -= 1e-6;
                fd[i] = (model.lyapunov(a)[0] - model.lyapunov(b)[0]) / 2e-6;
            }
            QVERIFY((fd - model.lyapunovGradient(x).col(0)).norm() < 1e-6 * (1.0 + fd.norm()));
        }
    }

    void rk4LossTrainsAndLocallyStableVariantIsLabelled() {
        sd::Rng rng(9);
        sd::systems::QuadraticDataOptions dataOptions;
        dataOptions.samples = 401;
        const sd::data::Dataset ds = sd::systems::generateQuadraticData(dataOptions, rng);
        std::atomic<bool> cancel{false};
        OpInfModel rk4(stableHyper({{"epochs", 400}, {"loss", "rk4_onestep"}, {"init", "least-squares"}}), sd::data::DatasetInfo::of(ds));
        std::vector<sd::model::TrainEvent> events;
        rk4.train(ds, {}, [&](const sd::model::TrainEvent& e) { events.push_back(e); }, cancel);
        QCOMPARE(int(events.size()), 400);
        // From the projected least-squares start (exact in this case) the loss stays small.
        QVERIFY2(events.back().trainLoss < 1e-4, qPrintable(QString::number(events.back().trainLoss)));
        QVERIFY(rk4.certificate()["verified"].get<bool>());

        OpInfModel local(stableHyper({{"variant", "locally-stable"}, {"epochs", 20}, {"lyapunov_form", "quadratic"}}),
                         sd::data::DatasetInfo::of(ds));
        local.train(ds, {}, {}, cancel);
        const json cert = local.certificate();
        QVERIFY(cert["guarantee"].get<std::string>().rfind("locally stable", 0) == 0);
        QVERIFY(!cert["global"].get<bool>());
        QVERIFY(cert.contains("local") && !cert.contains("bibs"));
        QCOMPARE(int(local.certify().kind), int(sd::model::GuaranteeKind::LocalStability));
        QVERIFY(!local.certify().bibs);
        QVERIFY(!local.hasLyapunov());
        QVERIFY_THROWS_EXCEPTION(sd::Error, local.checkCertificate(ds.split("test")));
        // The stable variants need A.
        QVERIFY_THROWS_EXCEPTION(sd::Error, OpInfModel(stableHyper({{"operators", "HB"}}), sd::data::DatasetInfo::of(ds)));
    }

    void nanTrainingKeepsTheLastGoodParameters() {
        sd::Rng rng(4);
        sd::systems::QuadraticDataOptions dataOptions;
        dataOptions.samples = 201;
        sd::data::Dataset ds = sd::systems::generateQuadraticData(dataOptions, rng);
        // States of order 1e160: x⊗x overflows, so the very first loss is not finite.
        for (auto& tr : ds.trajectories) { tr.x *= 1e160; tr.dxdt *= 1e160; }
        OpInfModel model(stableHyper({{"epochs", 10}}), sd::data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        const auto s = model.train(ds, {}, {}, cancel);
        QCOMPARE(int(s.status), int(sd::model::TrainStatus::StoppedOnNaN));
        QCOMPARE(s.epochsRun, 0);
        const auto* p = model.stableParameters();
        QVERIFY(p);
        for (const auto& [name, m] : p->named()) QVERIFY2(m->allFinite(), name.c_str());
        QVERIFY(model.certificate()["verified"].get<bool>());   // the kept (initial) parameters are a stable model
    }
};

QTEST_GUILESS_MAIN(TestOpInfStable)
#include "test_opinf_stable.moc"
