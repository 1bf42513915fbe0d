// lyapunov-net known-V mode (docs/methods/lyapunov-net.md §8): the pendulum energy V equals L·(E(x) − E(0)) of
// the ground-truth pendulum, V(0) = 0, the closed-form ∇V against finite differences, the model's parameter
// gradients through the projection against finite differences, the decrease condition ∇Vᵀf ≤ −αV on random
// untrained and on trained models, the certificate (recomputed, kind by V), JSON round trips with identical
// predictions, and bad P refused.
#include "bit_equal.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/systems/pendulum.h"
#include "core/systems/pendulum_data.h"
#include "plugins/lyapunov-net/known_lyapunov.h"
#include "plugins/lyapunov-net/lyapunov_hyperparameters.h"
#include "plugins/lyapunov-net/lyapunov_net_model.h"

#include <QtTest>
#include <cstring>

using namespace sd::lyapnet;
using Eigen::MatrixXd;
using nlohmann::json;

namespace {

std::unique_ptr<LyapunovNetModel> makeModel(json extra, Eigen::Index n) {
    json h = {{"variant", "known_v"}, {"fhat_hidden", {32, 32}}, {"certificate_samples", 2000},
              {"certificate_trajectories", 2}, {"certificate_horizon", 2.0}};
    h.update(extra);
    sd::data::DatasetInfo info;
    info.name = "test";
    info.stateDim = n;
    return std::make_unique<LyapunovNetModel>(sd::model::validateHyperparameters(hyperparameterSchema(), h), info);
}

using sd::test::bitEqual;

MatrixXd randomSpd(Eigen::Index n, sd::Rng& rng) {
    const MatrixXd A = rng.normalMatrix(n, n);
    return A * A.transpose() + 0.5 * MatrixXd::Identity(n, n);
}

std::vector<double> rowMajor(const MatrixXd& P) {
    std::vector<double> v;
    for (Eigen::Index i = 0; i < P.rows(); ++i)
        for (Eigen::Index j = 0; j < P.cols(); ++j) v.push_back(P(i, j));
    return v;
}

/// max over the columns of (∇Vᵀf + αV)/(1 + |V|) — ≤ 1e-9 is the certificate's decrease condition.
double worstDecrease(const LyapunovNetModel& m, const MatrixXd& X) {
    const MatrixXd F = m.field(X, MatrixXd(0, X.cols()));
    const MatrixXd G = m.lyapunovGradient(X);
    const Eigen::RowVectorXd V = m.lyapunov(X);
    double worst = -1e300;
    for (Eigen::Index j = 0; j < X.cols(); ++j)
        worst = std::max(worst, (G.col(j).dot(F.col(j)) + m.lyapunovDecreaseRate() * V[j]) / (1.0 + std::abs(V[j])));
    return worst;
}

}  // namespace

class TestLyapunovKnownV : public QObject {
    Q_OBJECT

private slots:
    void pendulumEnergyIsTheScaledSystemEnergy() {
        // V = L·(E(x) − E(0)) with E of core/systems (docs/methods/systems.md §1), V(0) = 0 exactly.
        sd::Rng rng(1);
        for (int links : {1, 2, 3, 5}) {
            const sd::systems::NLinkPendulum p(links);
            const KnownLyapunov V = KnownLyapunov::pendulumEnergy(2 * links);
            QCOMPARE(V.evaluate(MatrixXd::Zero(2 * links, 1))[0], 0.0);
            const MatrixXd X = rng.uniformMatrix(2 * links, 50, -3.0, 3.0);
            const Eigen::RowVectorXd v = V.evaluate(X);
            const double e0 = p.energy(Eigen::VectorXd::Zero(2 * links));
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                const double expected = links * (p.energy(X.col(j)) - e0);
                QVERIFY2(std::abs(v[j] - expected) <= 1e-12 * (1.0 + std::abs(expected)),
                         qPrintable(QString("L=%1: %2 vs %3").arg(links).arg(v[j]).arg(expected)));
                QVERIFY(v[j] >= 0.0);
            }
            QCOMPARE(V.criticalLevel(), 2.0 * 9.81);
            // The critical level is V at the last link inverted (a critical point: ∇V = 0 up to rounding).
            Eigen::VectorXd up = Eigen::VectorXd::Zero(2 * links);
            up[links - 1] = M_PI;
            MatrixXd G;
            QVERIFY(std::abs(V.evaluate(up, &G)[0] - 2.0 * 9.81) < 1e-12);
            QVERIFY(G.norm() < 1e-12);
        }
    }

    void gradientsMatchFiniteDifferences() {
        sd::Rng rng(2);
        std::vector<KnownLyapunov> vs{KnownLyapunov::pendulumEnergy(2), KnownLyapunov::pendulumEnergy(4),
                                      KnownLyapunov::pendulumEnergy(6), KnownLyapunov::quadratic(randomSpd(3, rng))};
        for (const KnownLyapunov& V : vs) {
            const Eigen::Index n = V.stateDim();
            const MatrixXd X = rng.uniformMatrix(n, 20, -2.5, 2.5);
            MatrixXd G;
            V.evaluate(X, &G);
            const double h = 1e-6;
            for (Eigen::Index j = 0; j < X.cols(); ++j)
                for (Eigen::Index r = 0; r < n; ++r) {
                    MatrixXd xp = X.col(j), xm = X.col(j);
                    xp(r) += h;
                    xm(r) -= h;
                    const double num = (V.evaluate(xp)[0] - V.evaluate(xm)[0]) / (2 * h);
                    QVERIFY2(std::abs(num - G(r, j)) <= 1e-6 * (1.0 + std::abs(num)),
                             qPrintable(QString::fromStdString(V.name()) + QString(" n=%1: FD %2 vs %3").arg(n).arg(num).arg(G(r, j))));
                }
        }
    }

    void parameterGradientsMatchFiniteDifferences() {
        // The training loss reaches f̂ through the projection (V, ∇V are constants of the graph).
        for (const char* kind : {"pendulum_energy", "quadratic"}) {
            auto m = makeModel({{"known_v", kind}, {"fhat_hidden", {6}}, {"alpha", 0.05}, {"init_seed", 4}}, 2);
            const KnownVDynamics& dyn = *m->knownVDynamics();
            sd::Rng rng(5);
            const MatrixXd X = rng.uniformMatrix(2, 30, -2.0, 2.0), Y = rng.normalMatrix(2, 30);
            auto loss = [&] { return sd::ad::mseLoss(dyn.evaluate(sd::ad::Var::constant(X)).f, sd::ad::Var::constant(Y)); };
            {   // both projection cases occur, so the test covers the active branch
                sd::ad::NoGradGuard g;
                const auto o = dyn.evaluate(sd::ad::Var::constant(X));
                const Eigen::RowVectorXd s = (o.gradV.value().array() * o.fhat.value().array()).colwise().sum().matrix() +
                                             0.05 * o.V.value();
                QVERIFY2((s.array() > 0).count() >= 3 && (s.array() <= 0).count() >= 3,
                         qPrintable(QString("%1: %2 active of %3").arg(kind).arg((s.array() > 0).count()).arg(s.size())));
            }
            const auto params = m->parameters();
            QVERIFY(params.size() > 0);
            params.zeroGrad();
            sd::ad::backward(loss());
            const double h = 1e-6;
            for (const auto& e : params.entries()) {
                QVERIFY(e.name.rfind("fhat.", 0) == 0);
                const MatrixXd analytic = e.var.grad();
                MatrixXd& value = e.var.mutableValue();
                for (Eigen::Index k = 0; k < value.size(); ++k) {
                    const double keep = value(k);
                    double lp, lm;
                    {
                        sd::ad::NoGradGuard g;
                        value(k) = keep + h;
                        lp = loss().item();
                        value(k) = keep - h;
                        lm = loss().item();
                    }
                    value(k) = keep;
                    const double num = (lp - lm) / (2 * h);
                    QVERIFY2(std::abs(num - analytic(k)) <= 1e-8 + 1e-5 * std::max(std::abs(num), std::abs(analytic(k))),
                             qPrintable(QString("%1 %2[%3]: FD %4 vs %5").arg(kind).arg(QString::fromStdString(e.name)).arg(k).arg(num).arg(analytic(k))));
                }
            }
        }
    }

    void randomUntrainedModelsDecrease_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("n");
        QTest::newRow("pendulum L=1") << "pendulum_energy" << 2;
        QTest::newRow("pendulum L=2") << "pendulum_energy" << 4;
        QTest::newRow("quadratic n=2") << "quadratic" << 2;
        QTest::newRow("quadratic n=5") << "quadratic" << 5;
    }
    void randomUntrainedModelsDecrease() {
        QFETCH(QString, kind);
        QFETCH(int, n);
        for (std::uint64_t seed : {0u, 1u, 2u}) {
            sd::Rng rng(100 + seed);
            json extra = {{"known_v", kind.toStdString()}, {"init_seed", seed}, {"alpha", 0.3}};
            if (kind == "quadratic") extra["known_v_P"] = rowMajor(randomSpd(n, rng));
            auto m = makeModel(extra, n);
            QVERIFY(m->hasLyapunov());
            QCOMPARE(m->lyapunov(MatrixXd::Zero(n, 1))[0], 0.0);
            const MatrixXd X = rng.uniformMatrix(n, 3000, -3.0, 3.0);
            const double worst = worstDecrease(*m, X);
            QVERIFY2(worst <= 1e-9, qPrintable(QString("seed %1: max (dV/dt + aV)/(1+|V|) = %2").arg(seed).arg(worst)));
            // The projection is active somewhere (a random f̂ is not stable by itself), so the check tests something.
            const MatrixXd fhat = m->nominalField(X);
            const MatrixXd G = m->lyapunovGradient(X);
            const Eigen::RowVectorXd V = m->lyapunov(X);
            const Eigen::RowVectorXd nominal = (G.array() * fhat.array()).colwise().sum().matrix() + 0.3 * V;
            QVERIFY((nominal.array() > 0.0).count() > 0);
            const auto cert = m->certify();
            QVERIFY2(cert.verified, qPrintable(QString::fromStdString(cert.toJson().dump())));
            QVERIFY(cert.kind == (kind == "quadratic" ? sd::model::GuaranteeKind::ExponentialStability
                                                     : sd::model::GuaranteeKind::LocalStability));
            if (kind == "quadratic") QCOMPARE(cert.decreaseRate, 0.3);
            else QVERIFY(std::isnan(cert.decreaseRate));   // typed fields of other kinds stay empty
            QCOMPARE(cert.details.at("alpha").get<double>(), 0.3);
            QCOMPARE(m->lyapunovDecreaseRate(), 0.3);
        }
    }

    void trainedPendulumModelLearnsAndStaysCertified() {
        // 1-link pendulum pairs (docs/methods/systems.md §2), the pendulum energy as V, lr 0.005 (the reference's
        // known-V runs): the validation MSE drops by ≥ 10× and the decrease condition still holds everywhere.
        sd::Rng rng(7);
        sd::systems::PendulumPairOptions o;
        o.links = 1;
        const auto ds = sd::systems::generatePendulumPairs(o, rng);
        auto m = makeModel({{"known_v", "pendulum_energy"}, {"epochs", 200}, {"lr", 0.005}, {"alpha", 0.01}}, 2);
        const auto* test = ds.split("test").front();
        auto mse = [&] { return (m->field(test->x, MatrixXd(0, test->x.cols())) - test->dxdt).squaredNorm() / test->x.size(); };
        const double before = mse();
        std::atomic<bool> cancel{false};
        sd::model::TrainRequest req;
        req.validationSplit = "test";
        const auto s = m->train(ds, req, {}, cancel);
        QVERIFY(s.status == sd::model::TrainStatus::Completed);
        const double after = mse();
        QVERIFY2(after * 10.0 < before, qPrintable(QString("validation MSE %1 -> %2").arg(before).arg(after)));
        QVERIFY(worstDecrease(*m, rng.uniformMatrix(2, 5000, -M_PI, M_PI)) <= 1e-9);
        const auto cert = m->certify();
        QVERIFY2(cert.verified, qPrintable(QString::fromStdString(cert.toJson().dump())));
        QCOMPARE(cert.details.at("sublevel_bound").get<double>(), 2.0 * 9.81);
    }

    void trainedQuadraticModelIsCertified() {
        sd::Rng rng(8);
        sd::systems::PendulumPairOptions o;
        o.links = 1;
        const auto ds = sd::systems::generatePendulumPairs(o, rng);
        auto m = makeModel({{"known_v", "quadratic"}, {"known_v_P", {2.0, 0.5, 0.5, 1.0}}, {"epochs", 60}, {"lr", 0.01}}, 2);
        std::atomic<bool> cancel{false};
        const auto s = m->train(ds, sd::model::TrainRequest{}, {}, cancel);
        QVERIFY(s.status == sd::model::TrainStatus::Completed);
        QVERIFY(worstDecrease(*m, rng.uniformMatrix(2, 5000, -4.0, 4.0)) <= 1e-9);
        const auto cert = m->certify();
        QVERIFY(cert.verified);
        QVERIFY(cert.kind == sd::model::GuaranteeKind::ExponentialStability);
        QVERIFY(cert.details.at("min_v_over_lambda_min_norm2").get<double>() >= 1.0 - 1e-12);
    }

    void jsonRoundTripGivesIdenticalPredictions() {
        sd::Rng rng(9);
        for (const char* kind : {"pendulum_energy", "quadratic"}) {
            auto m = makeModel({{"known_v", kind}, {"known_v_P", rowMajor(randomSpd(2, rng))}, {"init_seed", 3}}, 2);
            const std::string text = m->toJson().dump();
            const auto back = LyapunovNetModel::fromJson(json::parse(text));
            QCOMPARE(back->toJson().dump(), text);
            const MatrixXd X = rng.uniformMatrix(2, 200, -2.0, 2.0);
            QVERIFY(bitEqual(back->field(X, MatrixXd(0, 200)), m->field(X, MatrixXd(0, 200))));
            QVERIFY(bitEqual(back->lyapunovGradient(X), m->lyapunovGradient(X)));
            sd::data::Trajectory tr;
            tr.id = "t";
            tr.t = Eigen::VectorXd::LinSpaced(50, 0.0, 2.0);
            tr.x = MatrixXd(2, 50);
            tr.x.col(0) << 1.0, -0.5;
            QVERIFY(bitEqual(back->predict(tr).x, m->predict(tr).x));
            // The certificate is recomputed on import, never read back: a forged one is ignored.
            json doc = json::parse(text);
            doc["certificate"]["verified"] = false;
            doc["certificate"]["max_decrease_violation"] = 123.0;
            const auto forged = LyapunovNetModel::fromJson(doc);
            QVERIFY(forged->certify().verified);
            QVERIFY(forged->certify().details.at("max_decrease_violation").get<double>() <= 1e-9);
        }
    }

    void badKnownVIsRefused() {
        // Not symmetric, indefinite, wrong size, odd dimension for the pendulum energy.
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({{"known_v", "quadratic"}, {"known_v_P", {1.0, 0.3, 0.0, 1.0}}}, 2));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({{"known_v", "quadratic"}, {"known_v_P", {1.0, 0.0, 0.0, -1.0}}}, 2));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({{"known_v", "quadratic"}, {"known_v_P", {1.0, 0.0, 1.0}}}, 2));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({{"known_v", "pendulum_energy"}}, 3));
        try {
            makeModel({{"known_v", "quadratic"}, {"known_v_P", {1.0, 0.0, 0.0, -1.0}}}, 2);
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.what()).find("known_v_P") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestLyapunovKnownV)
#include "test_lyapunov_known_v.moc"
