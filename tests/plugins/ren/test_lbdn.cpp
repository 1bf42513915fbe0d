// ren: the feed-forward Lipschitz-bounded network (docs/methods/ren.md §12). The Lipschitz bound γ holds
// numerically on random untrained and on trained models (difference quotients over many pairs at several
// distances, Jacobian norms), the Jacobian and the parameter gradients against finite differences, the
// sequence bound γ√k of a windowed model, training reduces the error, the certificate is recomputed from
// the parameters (a forged one is ignored), JSON round trips give identical predictions, bad input is refused;
// a scalar network with hand-set parameters matches its closed form, and the bound γ is attained with no hidden layer.
#include "bit_equal.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "plugins/ren/lbdn.h"
#include "plugins/ren/lbdn_model.h"
#include "plugins/ren/ren_model.h"
#include "plugins/ren/ren_hyperparameters.h"

#include <Eigen/SVD>
#include <QtTest>
#include <cstring>

using namespace sd::ren;
using Eigen::MatrixXd;
using nlohmann::json;
using sd::Rng;

namespace {

using sd::test::bitEqual;

/// max ‖f(a) − f(b)‖/‖a − b‖ over `pairs` random pairs: centres ~ N(0, spread²), offsets at 1e-4 … 10.
double maxDifferenceQuotient(const Lbdn& net, Eigen::Index pairs, double spread, Rng& rng) {
    const Eigen::Index n = net.inputDim();
    const MatrixXd A = rng.normalMatrix(n, pairs, 0.0, spread);
    MatrixXd B = A;
    for (Eigen::Index j = 0; j < pairs; ++j) B.col(j) += std::pow(10.0, -4.0 + 5.0 * rng.uniform(0.0, 1.0)) * rng.normalMatrix(n, 1);
    const MatrixXd FA = net.evaluate(A), FB = net.evaluate(B);
    double worst = 0.0;
    for (Eigen::Index j = 0; j < pairs; ++j) worst = std::max(worst, (FA.col(j) - FB.col(j)).norm() / (A.col(j) - B.col(j)).norm());
    return worst;
}

std::unique_ptr<LbdnModel> makeModel(json extra, Eigen::Index nu, Eigen::Index ny) {
    json h = {{"model_class", "lbdn"}, {"lbdn_hidden", {16, 16}}, {"lbdn_gamma", 2.0}};
    if (extra.is_object()) h.update(extra);
    sd::data::DatasetInfo info;
    info.name = "test";
    info.inputDim = nu;
    info.outputDim = ny;
    return std::make_unique<LbdnModel>(sd::model::validateHyperparameters(hyperparameterSchema(), h), info);
}

/// A static nonlinearity with slope up to 3 (in data units): y = [sin(3u₁) + 0.5u₂, u₁u₂/2], u ~ N(0, 1).
sd::data::Dataset staticMap(std::uint64_t seed) {
    sd::data::Dataset ds;
    ds.name = "static-map";
    ds.inputNames = {"u1", "u2"};
    ds.outputNames = {"y1", "y2"};
    Rng rng(seed);
    for (int s = 0; s < 2; ++s) {
        sd::data::Trajectory tr;
        tr.id = "seq" + std::to_string(s);
        const int K = 1500;
        tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, K - 1.0);
        tr.u = rng.normalMatrix(2, K);
        tr.y.resize(2, K);
        for (int k = 0; k < K; ++k) {
            tr.y(0, k) = std::sin(3.0 * tr.u(0, k)) + 0.5 * tr.u(1, k);
            tr.y(1, k) = 0.5 * tr.u(0, k) * tr.u(1, k);
        }
        ds.trajectories.push_back(tr);
    }
    ds.splits["train"] = {0};
    ds.splits["validation"] = {1};
    return ds;
}

}  // namespace

class TestLbdn : public QObject {
    Q_OBJECT

private slots:
    void scalarNetworkMatchesItsClosedForm() {
        // docs/methods/ren.md §12.1 by hand for n_u = n_y = 1. One ReLU sandwich layer of width 1 with XY = [x; y]:
        // Z = y², Aᵀ = (1 − y²)/(1 + y²), Bᵀ = −2y/(1 + y²); y = 0.5 gives A = 0.6, B = −0.8 (A² + B² = 1). With
        // d = 0, b = 0.1, XY_out = [0.3; 1] (B_out = −1), b_y = 0.2 and γ = 4:
        //   f(u) = 2·(−1)·√2·0.6·relu(√2·(−0.8)·2u + 0.1) + 0.2 = −1.2√2·relu(0.1 − 1.6√2·u) + 0.2,
        // slope 3.84 = γ·2AB for u < 0.1/(1.6√2) and 0 above.
        Rng init(5);
        const Lbdn net(1, {1}, 1, 4.0, RenActivation::ReLU, init);
        net.parameters().set("layer0.XY", (MatrixXd(2, 1) << 0.7, 0.5).finished());   // X drops out of Z for n = 1
        net.parameters().set("layer0.d", MatrixXd::Zero(1, 1));
        net.parameters().set("layer0.b", MatrixXd::Constant(1, 1, 0.1));
        net.parameters().set("out.XY", (MatrixXd(2, 1) << 0.3, 1.0).finished());
        net.parameters().set("out.b", MatrixXd::Constant(1, 1, 0.2));
        const double s2 = std::sqrt(2.0);
        auto closedForm = [&](double u) { return -1.2 * s2 * std::max(0.0, 0.1 - 1.6 * s2 * u) + 0.2; };
        for (double u : {-3.0, -0.5, 0.0, 0.04, 0.05, 1.0, 7.0}) {
            const double f = net.evaluate(MatrixXd::Constant(1, 1, u))(0, 0);
            QVERIFY2(std::abs(f - closedForm(u)) < 1e-13, qPrintable(QString("u %1: %2 vs %3").arg(u).arg(f).arg(closedForm(u))));
        }
        QVERIFY(std::abs(net.jacobian(Eigen::VectorXd::Constant(1, -1.0))(0, 0) - 3.84) < 1e-13);
        QVERIFY(std::abs(net.jacobian(Eigen::VectorXd::Constant(1, 1.0))(0, 0)) < 1e-13);

        // No hidden layer: f(u) = γ·B_out·u + b_y; with XY_out = [0; 1], B_out = −1 and the bound γ is attained.
        const Lbdn linear(1, {}, 1, 4.0, RenActivation::ReLU, init);
        linear.parameters().set("out.XY", (MatrixXd(2, 1) << 0.0, 1.0).finished());
        linear.parameters().set("out.b", MatrixXd::Zero(1, 1));
        QVERIFY(std::abs(linear.evaluate(MatrixXd::Constant(1, 1, 0.5))(0, 0) + 2.0) < 1e-14);
    }

    void lipschitzBoundHoldsOnRandomUntrainedNetworks() {
        Rng rng(1);
        int tested = 0;
        for (double gamma : {0.3, 2.0, 50.0})
            for (RenActivation act : {RenActivation::ReLU, RenActivation::Tanh, RenActivation::Sigmoid})
                for (const std::vector<Eigen::Index>& hidden : {std::vector<Eigen::Index>{}, {8}, {16, 16, 16}})
                    for (std::uint64_t seed : {0u, 1u}) {
                        Rng init(seed * 31 + static_cast<std::uint64_t>(hidden.size()));
                        const Lbdn net(3, hidden, 2, gamma, act, init);
                        QVERIFY(net.orthogonalityResidual() < 1e-12);
                        const double q = maxDifferenceQuotient(net, 3000, 3.0, rng);
                        QVERIFY2(q <= gamma * (1.0 + 1e-9), qPrintable(QString("γ %1: quotient %2").arg(gamma).arg(q)));
                        QVERIFY(q > 0.0);
                        for (int j = 0; j < 50; ++j) {
                            const MatrixXd J = net.jacobian(rng.normalMatrix(3, 1, 0.0, 3.0));
                            const double s = Eigen::JacobiSVD<MatrixXd>(J).singularValues()(0);
                            QVERIFY2(s <= gamma * (1.0 + 1e-9), qPrintable(QString("γ %1: ‖J‖ %2").arg(gamma).arg(s)));
                        }
                        ++tested;
                    }
        QCOMPARE(tested, 54);
    }

    void jacobianMatchesFiniteDifferences() {
        Rng init(2), rng(3);
        for (RenActivation act : {RenActivation::Tanh, RenActivation::Sigmoid, RenActivation::ReLU}) {
            const Lbdn net(3, {7, 5}, 2, 4.0, act, init);
            for (int j = 0; j < 10; ++j) {
                const Eigen::VectorXd u = rng.normalMatrix(3, 1);
                const MatrixXd J = net.jacobian(u);
                const double h = 1e-6;
                for (int r = 0; r < 3; ++r) {
                    Eigen::VectorXd up = u, um = u;
                    up[r] += h;
                    um[r] -= h;
                    const Eigen::VectorXd num = (net.evaluate(up) - net.evaluate(um)) / (2 * h);
                    QVERIFY2((num - J.col(r)).norm() <= 1e-6 * (1.0 + num.norm()),
                             qPrintable(QString("column %1: FD %2 vs %3").arg(r).arg(num.norm()).arg(J.col(r).norm())));
                }
            }
        }
    }

    void parameterGradientsMatchFiniteDifferences() {
        Rng init(4), rng(5);
        const Lbdn net(2, {5, 4}, 2, 3.0, RenActivation::Tanh, init);
        const MatrixXd U = rng.normalMatrix(2, 20), Y = rng.normalMatrix(2, 20);
        auto loss = [&] { return sd::ad::mseLoss(net(sd::ad::Var::constant(U)), sd::ad::Var::constant(Y)); };
        // d = 0 at initialisation would hide mistakes in the Ψ factors: perturb every parameter first.
        for (const auto& e : net.parameters().entries()) e.var.mutableValue() += 0.3 * rng.normalMatrix(e.var.rows(), e.var.cols());
        net.parameters().zeroGrad();
        sd::ad::backward(loss());
        const double h = 1e-6;
        for (const auto& e : net.parameters().entries()) {
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
                         qPrintable(QString::fromStdString(e.name) + QString("[%1]: FD %2 vs %3").arg(k).arg(num).arg(analytic(k))));
            }
        }
    }

    void windowedSequenceGainIsBelowGammaRootK() {
        // y_t = f(u_t, …, u_{t−k+1}): ‖Δy‖ ≤ γ√k‖Δu‖ over whole sequences (untrained: identity scalers).
        const auto m = makeModel({{"lbdn_window", 4}, {"lbdn_gamma", 1.5}}, 1, 1);
        const MatrixXd U = (MatrixXd(1, 5) << 1, 2, 3, 4, 5).finished();
        const MatrixXd W = stackWindow(U, 3);
        QCOMPARE(W.rows(), Eigen::Index(3));
        QCOMPARE(W(0, 4), 5.0);
        QCOMPARE(W(1, 4), 4.0);
        QCOMPARE(W(2, 4), 3.0);
        QCOMPARE(W(2, 1), 0.0);
        Rng rng(6);
        double worst = 0.0;
        for (int s = 0; s < 200; ++s) {
            sd::data::Trajectory a, b;
            a.id = b.id = "s";
            a.u = rng.normalMatrix(1, 40);
            b.u = a.u + rng.normalMatrix(1, 40) * std::pow(10.0, rng.uniform(-3.0, 0.5));
            const MatrixXd ya = m->predict(a).y, yb = m->predict(b).y;
            worst = std::max(worst, (ya - yb).norm() / (a.u - b.u).norm());
        }
        QVERIFY2(worst <= 1.5 * 2.0 * (1.0 + 1e-9), qPrintable(QString("sequence gain %1").arg(worst)));
        const auto c = m->certify();
        QCOMPARE(c.details.at("gamma_sequence").get<double>(), 3.0);
    }

    void trainingFitsAndKeepsTheBound() {
        const auto ds = staticMap(7);
        auto m = makeModel({{"lbdn_gamma", 3.0}, {"lbdn_hidden", {32, 32}}, {"epochs", 60}, {"lr", 0.01}, {"lbdn_batch_size", 100},
                            {"lr_decay_epochs", 40}},
                           2, 2);
        const auto& val = ds.trajectories[1];
        auto nmse = [&] { return (m->predict(val).y - val.y).squaredNorm() / val.y.squaredNorm(); };
        const double before = nmse();
        std::atomic<bool> cancel{false};
        sd::model::TrainRequest req;
        req.validationSplit = "validation";
        const auto s = m->train(ds, req, {}, cancel);
        QVERIFY(s.status == sd::model::TrainStatus::Completed);
        const double after = nmse();
        QVERIFY2(after < 0.1 && after * 5.0 < before, qPrintable(QString("NMSE %1 -> %2").arg(before).arg(after)));
        Rng rng(8);
        const double q = maxDifferenceQuotient(m->network(), 5000, 2.0, rng);
        QVERIFY2(q <= 3.0 * (1.0 + 1e-9), qPrintable(QString("trained quotient %1").arg(q)));
        QVERIFY2(q > 0.5, qPrintable(QString("trained quotient %1 (a fitted slope-3 map should come near γ)").arg(q)));
        const auto c = m->certify();
        qInfo("LBDN γ = 3 on the static map: validation NMSE %g -> %g, max difference quotient %g, certificate quotient %g, max ‖J‖ %g",
              before, after, q, c.observedSensitivity, c.details.at("max_jacobian_norm").get<double>());
        QVERIFY2(c.verified, qPrintable(QString::fromStdString(c.toJson().dump())));
        QVERIFY(c.kind == sd::model::GuaranteeKind::Lipschitz);
        QCOMPARE(c.lipschitzBound, 3.0);
        QVERIFY(c.observedSensitivity > 0.0 && c.observedSensitivity <= 3.0 * (1.0 + 1e-9));
    }

    void jsonRoundTripGivesIdenticalPredictions() {
        const auto ds = staticMap(9);
        auto m = makeModel({{"epochs", 2}, {"lbdn_window", 2}}, 2, 2);
        std::atomic<bool> cancel{false};
        m->train(ds, sd::model::TrainRequest{}, {}, cancel);
        const std::string text = m->toJson().dump();
        const auto back = LbdnModel::fromJson(json::parse(text));
        QCOMPARE(back->toJson().dump(), text);
        QVERIFY(bitEqual(back->predict(ds.trajectories[1]).y, m->predict(ds.trajectories[1]).y));
        // Forged certificate numbers are never read back; a tampered parameter changes the prediction.
        json doc = json::parse(text);
        doc["certificate"]["verified"] = false;
        doc["certificate"]["gamma"] = 1e-3;
        const auto forged = LbdnModel::fromJson(doc);
        QVERIFY(forged->certify().verified);
        QCOMPARE(forged->certify().lipschitzBound, 2.0);
        json changed = json::parse(text);
        changed["hyperparameters"]["lbdn_gamma"] = 0.5;
        const auto smaller = LbdnModel::fromJson(changed);
        QCOMPARE(smaller->certify().lipschitzBound, 0.5);
        QVERIFY(smaller->certify().verified);
        QVERIFY(!bitEqual(smaller->predict(ds.trajectories[1]).y, m->predict(ds.trajectories[1]).y));
    }

    void badInputIsRefused() {
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({}, 0, 1));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeModel({}, 1, 0));
        auto m = makeModel({}, 2, 2);
        sd::data::Trajectory tr;
        tr.id = "bad";
        tr.u = MatrixXd::Zero(3, 10);
        QVERIFY_THROWS_EXCEPTION(sd::Error, m->predict(tr));
        json doc = m->toJson();
        doc["parameters"].erase("out.XY");
        QVERIFY_THROWS_EXCEPTION(sd::Error, LbdnModel::fromJson(doc));
        doc = m->toJson();
        doc["dims"]["state"] = 3;
        QVERIFY_THROWS_EXCEPTION(sd::Error, LbdnModel::fromJson(doc));

        // Fuzz finding (fuzz_model): a non-string model_class reached json's type_error in the plugin's
        // dispatch. Now the document is not LBDN, and RenModel's validation names the field.
        QVERIFY(LbdnModel::describes(m->toJson()));
        for (const json& odd : {json(5), json(nullptr), json::array({"lbdn"}), json("LBDN")}) {
            doc = m->toJson();
            doc["hyperparameters"]["model_class"] = odd;
            QVERIFY(!LbdnModel::describes(doc));
            try {
                sd::ren::RenModel::fromJson(doc);
                QFAIL("accepted a model_class that is not a known string");
            } catch (const sd::Error& e) {
                QVERIFY2(std::string(e.what()).find("model_class") != std::string::npos, e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestLbdn)
#include "test_lbdn.moc"
