// ren: the R2DN variant (docs/methods/ren.md §13) — a linear system in feedback with a 1-Lipschitz sandwich network.
// For random untrained parameters (many seeds, every configuration) the certificate's LMI holds by Cholesky, the
// one-step dissipation inequality holds on random state/input pairs, two trajectories from different initial states
// converge, and the difference quotient of output sequences stays ≤ γ; the same on trained models. Rollout-loss
// gradients match finite differences for every parameter; JSON round trips are bit-exact; a tampered file is
// re-certified from its parameters; bad input is refused with the field named.
#include "bit_equal.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "plugins/ren/r2dn_check.h"
#include "plugins/ren/r2dn_params.h"
#include "plugins/ren/r2dn_simulation.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"

#include <Eigen/Cholesky>
#include <QtTest>
#include <cmath>
#include <cstring>

using namespace sd;
using namespace sd::ren;
using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

namespace {

RenConfig makeConfig(RenClass cls, Index nu, Index nx, Index nv, Index ny) {
    RenConfig c;
    c.renClass = cls;
    c.nu = nu, c.nx = nx, c.nv = nv, c.ny = ny;
    c.activation = RenActivation::Tanh;
    c.epsilon = 1e-6;
    c.gamma = 2.5;
    return c;
}

struct Case {
    std::string name;
    RenConfig config;
    std::vector<Index> hidden;
};

/// Every configuration the property tests sweep.
std::vector<Case> sweep() {
    std::vector<Case> out;
    RenConfig c = makeConfig(RenClass::Contracting, 2, 4, 5, 3);
    out.push_back({"contracting", c, {6, 4}});
    c.alphaBar = 0.7;
    out.push_back({"contracting-alpha0.7", c, {6}});
    c = makeConfig(RenClass::Contracting, 2, 4, 5, 3);
    c.polar = false;
    c.activation = RenActivation::ReLU;
    out.push_back({"contracting-nopolar-relu", c, {}});
    for (auto [nu, ny] : {std::pair<Index, Index>{3, 2}, {2, 2}, {1, 3}}) {
        RenConfig l = makeConfig(RenClass::Lipschitz, nu, 4, 5, ny);
        out.push_back({"lipschitz-nu" + std::to_string(nu) + "-ny" + std::to_string(ny), l, {6, 4}});
    }
    RenConfig z = makeConfig(RenClass::Lipschitz, 2, 3, 4, 2);
    z.d22Zero = true;
    z.gamma = 0.4;
    z.activation = RenActivation::Sigmoid;
    out.push_back({"lipschitz-d22zero-gamma0.4", z, {5}});
    RenConfig r = makeConfig(RenClass::Lipschitz, 2, 3, 4, 2);
    r.alphaBar = 0.8;
    r.gamma = 30.0;
    out.push_back({"lipschitz-alpha0.8-gamma30", r, {5}});
    for (auto& k : out) k.config.validate();
    return out;
}

/// Random parameters with every entry moved off its initial value (zero D₂₂, d = 0 would hide mistakes).
nn::ParameterSet randomParameters(const Case& k, std::uint64_t seed, double spread = 0.5) {
    Rng rng(seed);
    nn::ParameterSet p = initR2dnParameters(k.config, k.hidden, rng);
    for (const auto& e : p.entries()) e.var.mutableValue() += spread * rng.normalMatrix(e.var.rows(), e.var.cols());
    return p;
}

MatrixXd metric(const RenConfig& c, const nn::ParameterSet& p) {
    ad::NoGradGuard g;
    ImplicitR2dn im;
    buildExplicitR2dn(c, p, &im);
    const MatrixXd& E = im.E.value();
    return E.transpose() * im.P.value().ldlt().solve(E);
}

struct StepOut { MatrixXd xNext, y; };
StepOut stepOnce(const RenConfig& c, const ExplicitR2dn& e, const MatrixXd& x, const MatrixXd& u) {
    ad::NoGradGuard g;
    const RenRollout r = simulateR2dn(c, e, Var::constant(x), Var::constant(u), 1);
    return {r.finalState.value(), r.Y.value()};
}

MatrixXd simulate(const RenConfig& c, const ExplicitR2dn& e, const MatrixXd& x0, const MatrixXd& U) {
    ad::NoGradGuard g;
    return simulateR2dn(c, e, Var::constant(x0), Var::constant(U), U.cols() / x0.cols()).Y.value();
}

using sd::test::bitEqual;

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

nlohmann::json r2dnHyper(nlohmann::json extra) {
    nlohmann::json h = {{"model_class", "r2dn"}, {"nx", 4}, {"nv", 6}, {"r2dn_hidden", {8}}, {"epochs", 8}, {"seq_len", 50},
                        {"lr", 1e-2}, {"activation", "tanh"}};
    h.update(extra);
    return model::validateHyperparameters(hyperparameterSchema(), h);
}

/// max over `pairs` random input pairs of ‖y(uᵃ) − y(uᵇ)‖/‖uᵃ − uᵇ‖ over K-step sequences from one initial state,
/// the state, inputs and perturbation scales drawn from rng (perturbations 10⁻³ … 3).
double sequenceQuotient(const RenConfig& c, const ExplicitR2dn& e, Index K, int pairs, Rng& rng) {
    double worst = 0.0;
    for (int j = 0; j < pairs; ++j) {
        const MatrixXd x0 = rng.normalMatrix(c.nx, 1);
        const MatrixXd Ua = 2.0 * rng.normalMatrix(c.nu, K);
        const MatrixXd Ub = Ua + std::pow(10.0, rng.uniform(-3.0, 0.5)) * rng.normalMatrix(c.nu, K);
        const MatrixXd Ya = simulate(c, e, x0, Ua), Yb = simulate(c, e, x0, Ub);
        worst = std::max(worst, (Ya - Yb).norm() / (Ua - Ub).norm());
    }
    return worst;
}

}  // namespace

class TestR2dn : public QObject {
    Q_OBJECT

private slots:
    void randomParametersSatisfyTheLmi() {
        int tested = 0;
        for (const Case& k : sweep())
            for (std::uint64_t seed = 0; seed < 25; ++seed) {
                const nn::ParameterSet p = randomParameters(k, seed, seed % 2 ? 1.5 : 0.3);
                const R2dnLmiReport r = checkR2dnLmi(k.config, p);
                QVERIFY2(r.ok(), (k.name + " seed " + std::to_string(seed) + ": " + r.toJson().dump()).c_str());
                QVERIFY(r.lmiMinEigenvalue > 0.0);
                ++tested;
            }
        QCOMPARE(tested, 8 * 25);
    }

    // V(Δx⁺) ≤ ᾱ²V(Δx) − (‖Δv‖² − ‖Δw‖²) (+ γ‖Δu‖² − ‖Δy‖²/γ), checked on simulated steps of random state and
    // input pairs — independent of how the LMI is assembled (docs/methods/ren.md §13.2).
    void oneStepDissipationInequalityHolds() {
        for (const Case& k : sweep())
            for (std::uint64_t seed = 0; seed < 20; ++seed) {
                const RenConfig& c = k.config;
                const nn::ParameterSet p = randomParameters(k, 100 + seed);
                ExplicitR2dn e;
                {
                    ad::NoGradGuard g;
                    e = buildExplicitR2dn(c, p);
                }
                const MatrixXd M = metric(c, p);
                Rng rng(200 + seed);
                const bool lipschitz = c.renClass == RenClass::Lipschitz;
                for (int j = 0; j < 30; ++j) {
                    const MatrixXd xa = 3.0 * rng.normalMatrix(c.nx, 1), xb = xa + std::pow(10.0, rng.uniform(-3, 1)) * rng.normalMatrix(c.nx, 1);
                    const MatrixXd ua = rng.normalMatrix(c.nu, 1);
                    const MatrixXd ub = lipschitz ? MatrixXd(ua + rng.normalMatrix(c.nu, 1)) : ua;
                    const StepOut a = stepOnce(c, e, xa, ua), b = stepOnce(c, e, xb, ub);
                    const Eigen::VectorXd dx = xa - xb, dxn = a.xNext - b.xNext, dy = a.y - b.y, du = ua - ub;
                    const double lhs = dxn.dot(M * dxn);
                    double rhs = c.alphaBar * c.alphaBar * dx.dot(M * dx);
                    if (lipschitz) rhs += c.gamma * du.squaredNorm() - dy.squaredNorm() / c.gamma;
                    QVERIFY2(lhs <= rhs + 1e-9 * (1.0 + std::abs(rhs)),
                             (k.name + " seed " + std::to_string(seed) + ": " + std::to_string(lhs) + " > " + std::to_string(rhs)).c_str());
                }
            }
    }

    void twoTrajectoriesConvergeOnRandomModels() {
        int tested = 0;
        for (const Case& k : sweep())
            for (std::uint64_t seed = 0; seed < 20; ++seed) {
                const RenConfig& c = k.config;
                const nn::ParameterSet p = randomParameters(k, 300 + seed);
                ExplicitR2dn e;
                {
                    ad::NoGradGuard g;
                    e = buildExplicitR2dn(c, p);
                }
                const MatrixXd M = metric(c, p);
                Rng rng(400 + seed);
                // Two initial states far apart, the same input: V(x^a − x^b) never grows and shrinks by ≥ 10⁶.
                MatrixXd x(c.nx, 2);
                x << 5.0 * rng.normalMatrix(c.nx, 1), -5.0 * rng.normalMatrix(c.nx, 1);
                const Eigen::VectorXd d0 = x.col(0) - x.col(1);
                const double v0 = d0.dot(M * d0);
                double v = v0;
                int steps = 0;
                for (; steps < 20000 && v > 1e-12 * v0; ++steps) {
                    const MatrixXd u = rng.normalMatrix(c.nu, 1);
                    MatrixXd U(c.nu, 2);
                    U << u, u;
                    x = stepOnce(c, e, x, U).xNext;
                    const Eigen::VectorXd d = x.col(0) - x.col(1);
                    const double vn = d.dot(M * d);
                    QVERIFY2(vn <= c.alphaBar * c.alphaBar * v * (1.0 + 1e-9) + 1e-300,
                             (k.name + " seed " + std::to_string(seed) + " step " + std::to_string(steps)).c_str());
                    v = vn;
                }
                QVERIFY2(v <= 1e-12 * v0, (k.name + " seed " + std::to_string(seed) + ": V ratio " + std::to_string(v / v0)).c_str());
                ++tested;
            }
        QCOMPARE(tested, 8 * 20);
    }

    void sequenceDifferenceQuotientStaysBelowGamma() {
        int tested = 0;
        for (const Case& k : sweep()) {
            if (k.config.renClass != RenClass::Lipschitz) continue;
            for (std::uint64_t seed = 0; seed < 20; ++seed) {
                const RenConfig& c = k.config;
                const nn::ParameterSet p = randomParameters(k, 500 + seed, 1.0);
                ExplicitR2dn e;
                {
                    ad::NoGradGuard g;
                    e = buildExplicitR2dn(c, p);
                }
                Rng rng(600 + seed);
                const double q = sequenceQuotient(c, e, 60, 20, rng);
                QVERIFY2(q <= c.gamma * (1.0 + 1e-9), (k.name + " seed " + std::to_string(seed) + ": quotient " + std::to_string(q)).c_str());
                QVERIFY(q > 0.0);
                ++tested;
            }
        }
        QCOMPARE(tested, 5 * 20);
    }

    void rolloutLossGradientMatchesFiniteDifferences() {
        for (const Case& k : sweep()) {
            const RenConfig& c = k.config;
            const nn::ParameterSet p = randomParameters(k, 21);
            Rng rng(22);
            const Index K = 12, B = 2;
            const MatrixXd U = rng.normalMatrix(c.nu, K * B), T = rng.normalMatrix(c.ny, K * B), x0 = rng.normalMatrix(c.nx, B);
            auto lossValue = [&]() {
                ad::NoGradGuard g;
                return ad::mseLoss(simulateR2dn(c, buildExplicitR2dn(c, p), Var::constant(x0), Var::constant(U), K).Y, Var::constant(T)).item();
            };
            p.zeroGrad();
            ad::backward(ad::mseLoss(simulateR2dn(c, buildExplicitR2dn(c, p), Var::constant(x0), Var::constant(U), K).Y, Var::constant(T)));
            const double h = 1e-6;
            int checked = 0;
            for (const auto& entry : p.entries()) {
                const MatrixXd base = entry.var.value();
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
                QVERIFY2(an.rows() == num.rows() && an.cols() == num.cols(), (k.name + " parameter " + entry.name + ": no gradient").c_str());
                const double err = (an - num).cwiseAbs().maxCoeff() / std::max(1.0, num.cwiseAbs().maxCoeff());
                QVERIFY2(err < 1e-6, (k.name + " parameter " + entry.name + ": relative error " + std::to_string(err)).c_str());
                ++checked;
            }
            QCOMPARE(checked, int(p.size()));
        }
    }

    void trainedModelsKeepTheirGuarantee() {
        const auto ds = tinyIo();
        for (const char* cls : {"contracting", "lipschitz"}) {
            RenModel m(r2dnHyper({{"ren_class", cls}, {"gamma", 1.2}, {"sensitivity_iterations", 40}, {"sensitivity_length", 100}}),
                       data::DatasetInfo::of(ds));
            QVERIFY(m.isR2dn());
            QCOMPARE(m.variant(), std::string("r2dn-") + cls);
            std::vector<double> losses;
            std::atomic<bool> cancel{false};
            model::TrainRequest req;
            req.validationSplit = "validation";
            const auto s = m.train(ds, req, [&](const model::TrainEvent& e) { losses.push_back(e.trainLoss); }, cancel);
            QCOMPARE(int(s.status), int(model::TrainStatus::Completed));
            QVERIFY2(losses.back() < 0.5 * losses.front(), (std::string(cls) + ": " + std::to_string(losses.front()) + " → " + std::to_string(losses.back())).c_str());
            const model::Certificate cert = m.certify();
            QVERIFY2(cert.verified, cert.toJson().dump().c_str());
            QVERIFY(cert.discreteTime && cert.eigenvalues.size() == 4 && cert.checks.size() == 3);
            for (const auto& e : cert.eigenvalues) QVERIFY(std::abs(e) < 1.0);
            QVERIFY(cert.details["contraction_simulation"]["converged"].get<bool>());
            const RenConfig& c = m.config();
            ExplicitR2dn e;
            {
                ad::NoGradGuard g;
                e = m.explicitR2dn();
            }
            Rng rng(31);
            MatrixXd x(c.nx, 2);
            x << 3.0 * rng.normalMatrix(c.nx, 1), -3.0 * rng.normalMatrix(c.nx, 1);
            const MatrixXd u = ds.trajectories[1].u;
            MatrixXd U(1, 2 * u.cols());
            for (Index t = 0; t < u.cols(); ++t) U(0, 2 * t) = U(0, 2 * t + 1) = u(0, t);
            ad::NoGradGuard g;
            const MatrixXd xf = simulateR2dn(c, e, Var::constant(x), Var::constant(U), u.cols()).finalState.value();
            QVERIFY2((xf.col(0) - xf.col(1)).norm() < 1e-6 * (x.col(0) - x.col(1)).norm(), std::to_string((xf.col(0) - xf.col(1)).norm()).c_str());
            if (std::string(cls) == "lipschitz") {
                QCOMPARE(int(cert.kind), int(model::GuaranteeKind::Lipschitz));
                QCOMPARE(cert.lipschitzBound, 1.2);
                QVERIFY2(cert.observedSensitivity > 0.0 && cert.observedSensitivity <= 1.2, std::to_string(cert.observedSensitivity).c_str());
                const double q = sequenceQuotient(c, e, 100, 30, rng);
                QVERIFY2(q <= 1.2 * (1.0 + 1e-9), std::to_string(q).c_str());
                qInfo("trained Lipschitz R2DN γ = 1.2: observed sensitivity %g, sequence quotient %g", cert.observedSensitivity, q);
            } else {
                QCOMPARE(int(cert.kind), int(model::GuaranteeKind::Contraction));
            }
        }
    }

    void jsonRoundTripIsBitExact() {
        const auto ds = tinyIo();
        for (const char* cls : {"contracting", "lipschitz"}) {
            RenModel m(r2dnHyper({{"ren_class", cls}, {"epochs", 2}, {"initial_state", "learned"}}), data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            m.train(ds, {}, {}, cancel);
            const std::string text = m.toJson().dump();
            const auto back = RenModel::fromJson(nlohmann::json::parse(text));
            QVERIFY(back->isR2dn());
            QCOMPARE(back->toJson().dump(), text);
            const auto p1 = m.predict(ds.trajectories[1]), p2 = back->predict(ds.trajectories[1]);
            QVERIFY(bitEqual(p1.y, p2.y) && p1.y.allFinite());
            for (const auto& e : m.parameters().entries()) QVERIFY(bitEqual(e.var.value(), back->parameters().get(e.name)));
        }
    }

    // A file's claims are never trusted: the certificate is recomputed from the stored parameters (any finite values
    // are a valid R2DN — the guarantee is structural) and γ from the hyperparameters, never from "certificate".
    void tamperedFileIsRecertifiedFromItsParameters() {
        const auto ds = tinyIo();
        RenModel m(r2dnHyper({{"ren_class", "lipschitz"}, {"gamma", 1.5}, {"epochs", 1}}), data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        m.train(ds, {}, {}, cancel);
        const nlohmann::json doc = m.toJson();
        // Forged certificate fields are ignored.
        nlohmann::json t = doc;
        t["certificate"] = {{"guarantee", "forged"}, {"verified", false}, {"gamma", 1e-9}};
        const auto forged = RenModel::fromJson(t);
        QCOMPARE(forged->certificate()["guarantee"], m.certificate()["guarantee"]);
        QCOMPARE(forged->certify().lipschitzBound, 1.5);
        QVERIFY(forged->certify().verified);
        // An edited matrix (C₁ × 50, X perturbed): a different model, re-certified from its numbers, and the
        // bound still holds on it numerically.
        t = doc;
        const MatrixXd C1 = model::readParameter(doc, "C1", m.config().nv, m.config().nx, "test");
        t["parameters"]["C1"] = model::encodeMatrix(50.0 * C1);
        t["parameters"]["X"] = model::encodeMatrix(model::readParameter(doc, "X") + 0.3 * Rng(5).normalMatrix(2 * m.config().nx, 2 * m.config().nx));
        const auto edited = RenModel::fromJson(t);
        QVERIFY(!bitEqual(edited->predict(ds.trajectories[1]).y, m.predict(ds.trajectories[1]).y));
        const model::Certificate ce = edited->certify();
        QVERIFY2(ce.verified, ce.toJson().dump().c_str());
        QVERIFY(ce.details["lmi"]["lmi_min_eigenvalue"] != m.certificate()["lmi"]["lmi_min_eigenvalue"]);
        ExplicitR2dn e;
        {
            ad::NoGradGuard g;
            e = edited->explicitR2dn();
        }
        Rng rng(41);
        const double q = sequenceQuotient(edited->config(), e, 80, 30, rng);
        QVERIFY2(q <= 1.5 * (1.0 + 1e-9), std::to_string(q).c_str());
        // γ edited in the hyperparameters: the certificate reports the new γ, and it holds for the same stored numbers.
        t = doc;
        t["hyperparameters"]["gamma"] = 0.3;
        const auto smaller = RenModel::fromJson(t);
        QCOMPARE(smaller->certify().lipschitzBound, 0.3);
        QVERIFY(smaller->certify().verified);
        {
            ad::NoGradGuard g;
            e = smaller->explicitR2dn();
        }
        const double q2 = sequenceQuotient(smaller->config(), e, 80, 30, rng);
        QVERIFY2(q2 <= 0.3 * (1.0 + 1e-9), std::to_string(q2).c_str());
    }

    void badInputIsRefused() {
        const auto ds = tinyIo();
        const auto info = data::DatasetInfo::of(ds);
        auto refuses = [&](nlohmann::json extra, const std::string& field) {
            try {
                RenModel m(r2dnHyper(extra), info);
                QFAIL(("accepted " + extra.dump()).c_str());
            } catch (const sd::Error& e) {
                QVERIFY2(std::string(e.where()).find(field) != std::string::npos, e.what());
            }
        };
        refuses({{"ren_class", "general"}}, "ren_class");
        refuses({{"ren_class", "passive"}}, "ren_class");
        refuses({{"training", "observer"}}, "training");
        refuses({{"training", "echo-state"}}, "training");
        refuses({{"nx", 0}}, "nx");
        refuses({{"nv", 0}}, "nv");
        RenModel m(r2dnHyper({{"epochs", 1}}), info);
        QVERIFY_THROWS_EXCEPTION(sd::Error, m.explicitModel());
        nlohmann::json doc = m.toJson();
        doc["parameters"].erase("net.out.XY");
        try {
            RenModel::fromJson(doc);
            QFAIL("accepted a file without net.out.XY");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.where()).find("net.out.XY") != std::string::npos, e.what());
        }
        // Sizes the hyperparameters claim are checked against the stored tensors before anything is allocated.
        doc = m.toJson();
        doc["hyperparameters"]["r2dn_hidden"] = {4096, 4096};
        try {
            RenModel::fromJson(doc);
            QFAIL("accepted r2dn_hidden that does not match the stored layers");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.where()).find("net.layer0.XY") != std::string::npos, e.what());
        }
    }

    void noHiddenLayersIsALinearOneLipschitzLoop() {
        const auto ds = tinyIo();
        RenModel m(r2dnHyper({{"r2dn_hidden", nlohmann::json::array()}, {"ren_class", "lipschitz"}, {"gamma", 2.0}, {"epochs", 2}}),
                   data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        QVERIFY(m.train(ds, {}, {}, cancel).status == model::TrainStatus::Completed);
        QVERIFY(m.certify().verified);
        QVERIFY(r2dnHiddenWidths(m.parameters()).empty());
    }
};

QTEST_GUILESS_MAIN(TestR2dn)
#include "test_r2dn.moc"
