// The plugin conformance suite: every model plugin found in the build's plugin folder must pass it,
// through the plugin host only (black box). A plugin without a case below fails the suite, so a new
// plugin cannot skip it.
//
// Checks: metadata keys and IID; hyperparameter schema well-formed; training a tiny problem emits
// ordered, finite epoch events; cancel (before and during training) returns promptly with status
// Cancelled; JSON export → import is bit-exact (document and evaluations); batched evaluation shapes
// and batch/column consistency; identical seeds give identical models; mismatched data dimensions are
// refused with sd::Error; Lyapunov plugins have V(0) = 0 and V > 0 elsewhere; the certificate names
// its guarantee and its typed fields keep the contract of core/model/certificate.h (kind, verified and
// checks agree; the kind's own fields are filled and the others empty; α matches the Lyapunov view);
// randomisable plugins draw reproducible, seed-dependent untrained models, the others refuse.
#include "bit_equal.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_plugin.h"
#include "core/model/plugin_host.h"
#include "tiny_problems.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPluginLoader>
#include <QtTest>
#include <cstring>
#include <functional>

using nlohmann::json;
using sd::model::Model;

namespace {

struct ConformanceCase {
    std::string name;          ///< row name
    std::string pluginId;
    std::function<sd::data::Dataset()> dataset;
    json hyper;                ///< small settings so training takes well under a second
    bool iterative;            ///< trains over several epochs (cancel during training is checked)
};

std::vector<ConformanceCase> cases() {
    return {
        {"stable-opinf/least-squares", "stable-opinf", sd::test::tinyControlledTrajectories, {{"operators", "AHB"}}, false},
        {"stable-opinf/stable", "stable-opinf", sd::test::tinyControlledTrajectories, {{"variant", "stable"}, {"operators", "AHB"}, {"epochs", 5}}, true},
        {"lyapunov-net/stable", "lyapunov-net", sd::test::tinyAutonomousPairs, {{"fhat_hidden", {16, 16}}, {"v_hidden", {8, 8}}, {"epochs", 4}, {"batch_size", 64}, {"alpha", 0.01}, {"certificate_samples", 400}, {"certificate_trajectories", 1}, {"certificate_horizon", 1.0}}, true},
        {"ren/contracting", "ren", sd::test::tinyInputOutputSequences, {{"nx", 4}, {"nv", 8}, {"epochs", 3}, {"seq_len", 50}}, true},
        {"vae-latent/stable", "vae-latent", sd::test::tinyVideo, {{"image_size", 8}, {"conv_widths", {4}}, {"latent", 4}, {"dyn_hidden", {8}}, {"v_hidden", {8}}, {"epochs", 3}, {"batch_size", 4}, {"certificate_samples", 200}, {"certificate_trajectories", 2}, {"certificate_steps", 100}}, true},
    };
}

using sd::test::bitEqual;

}  // namespace

class TestPluginConformance : public QObject {
    Q_OBJECT

    sd::model::PluginHost host_;

    const ConformanceCase& currentCase() {
        static std::vector<ConformanceCase> all = cases();
        const std::string name = QTest::currentDataTag();
        for (const auto& c : all)
            if (c.name == name) return c;
        qFatal("no case %s", name.c_str());
    }

    std::unique_ptr<Model> makeModel(const ConformanceCase& c, const sd::data::Dataset& ds) {
        return host_.require(c.pluginId).plugin->create(c.hyper, sd::data::DatasetInfo::of(ds));
    }

    static sd::model::TrainSummary train(Model& m, const sd::data::Dataset& ds, std::uint64_t seed,
                                         std::vector<sd::model::TrainEvent>* events = nullptr) {
        std::atomic<bool> cancel{false};
        sd::model::TrainRequest req;
        req.seed = seed;
        return m.train(ds, req, [&](const sd::model::TrainEvent& e) { if (events) events->push_back(e); }, cancel);
    }

    static void addRows() {
        QTest::addColumn<int>("unused");
        for (const auto& c : cases()) QTest::newRow(c.name.c_str()) << 0;
    }

private slots:
    void initTestCase() {
        host_.scan();
        QVERIFY2(!host_.plugins().empty(), "no plugins found; is STABLEDYN_PLUGIN_PATH set?");
        for (const auto& f : host_.failures()) qWarning("plugin failure: %s", f.message.c_str());
        QVERIFY2(host_.failures().empty(), "every built plugin must load");
    }

    void everyPluginHasACase() {
        for (const auto& p : host_.plugins()) {
            bool found = false;
            for (const auto& c : cases()) found = found || c.pluginId == p.id();
            QVERIFY2(found, ("no conformance case for plugin " + p.id()).c_str());
        }
    }

    void metadata_data() { addRows(); }
    void metadata() {
        const auto& c = currentCase();
        const auto* p = host_.find(c.pluginId);
        QVERIFY2(p, "plugin not loaded");
        const QJsonObject raw = QPluginLoader(QString::fromStdString(p->file)).metaData();
        QCOMPARE(raw.value("IID").toString(), QString(SD_MODEL_PLUGIN_IID));
        for (const char* key : {"Id", "Name", "Version", "ApiVersion", "Description", "Capabilities", "JsonSchema", "License"})
            QVERIFY2(p->metadata.contains(key), key);
        QCOMPARE(p->plugin->id(), c.pluginId);
        QVERIFY(p->hasCapability("train"));
        const json schema = p->plugin->hyperparameterSchema();
        const json defaults = sd::model::defaultHyperparameters(schema);
        QCOMPARE(sd::model::validateHyperparameters(schema, defaults), defaults);
        for (const auto& param : schema["params"]) {
            QVERIFY2(param.contains("doc") && !param["doc"].get<std::string>().empty(), param.dump().c_str());
            QVERIFY2(param.contains("type") && param.contains("default"), param.dump().c_str());
        }
        // The hyperparameters of the case itself are valid.
        sd::model::validateHyperparameters(schema, c.hyper);
    }

    void trainsTinyProblem_data() { addRows(); }
    void trainsTinyProblem() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto m = makeModel(c, ds);
        std::vector<sd::model::TrainEvent> events;
        const auto summary = train(*m, ds, 42, &events);
        QCOMPARE(int(summary.status), int(sd::model::TrainStatus::Completed));
        QVERIFY(!events.empty());
        QCOMPARE(summary.epochsRun, int(events.size()));
        for (std::size_t i = 0; i < events.size(); ++i) {
            QCOMPARE(events[i].epoch, int(i) + 1);
            QVERIFY(std::isfinite(events[i].trainLoss));
            QVERIFY(events[i].elapsedSeconds >= 0.0);
        }
        QVERIFY(std::isfinite(summary.finalTrainLoss));
        const json cert = m->certificate();
        QVERIFY(cert.is_object() && cert.contains("guarantee") && cert["guarantee"].is_string());
        QVERIFY(cert.contains("verified") && cert["verified"].is_boolean());
    }

    void cancelIsPrompt_data() { addRows(); }
    void cancelIsPrompt() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        {
            auto m = makeModel(c, ds);
            std::atomic<bool> cancel{true};
            const auto s = m->train(ds, {}, {}, cancel);
            QCOMPARE(int(s.status), int(sd::model::TrainStatus::Cancelled));
            QCOMPARE(s.epochsRun, 0);
        }
        if (c.iterative) {
            auto m = makeModel(c, ds);
            std::atomic<bool> cancel{false};
            QElapsedTimer timer;
            qint64 cancelledAt = -1;
            const auto s = m->train(ds, {}, [&](const sd::model::TrainEvent&) {
                if (cancelledAt < 0) { cancel = true; cancelledAt = timer.elapsed(); }
            }, cancel);
            const qint64 stoppedAt = timer.elapsed();
            QCOMPARE(int(s.status), int(sd::model::TrainStatus::Cancelled));
            QVERIFY2(stoppedAt - cancelledAt < 1000, "cancel must take effect within 1 s");
            QVERIFY(s.epochsRun <= 2);
        }
    }

    void jsonRoundTripIsBitExact_data() { addRows(); }
    void jsonRoundTripIsBitExact() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto m = makeModel(c, ds);
        train(*m, ds, 1);
        const std::string text = m->toJson().dump();
        const auto back = host_.loadModel(json::parse(text));
        QCOMPARE(back->toJson().dump(), text);
        QCOMPARE(back->pluginId(), c.pluginId);
        const auto* tr = ds.split("validation").front();
        const auto p1 = m->predict(*tr), p2 = back->predict(*tr);
        QVERIFY(bitEqual(p1.x, p2.x));
        QVERIFY(bitEqual(p1.y, p2.y));
        if (m->isContinuous()) {
            sd::Rng rng(3);
            const Eigen::MatrixXd X = rng.normalMatrix(ds.stateDim(), 9), U = rng.normalMatrix(m->dims().input, 9);
            QVERIFY(bitEqual(m->field(X, U), back->field(X, U)));
        }
        // A document of an unknown schema version is refused with the field named.
        json future = json::parse(text);
        future["schema_version"] = 99;
        try {
            host_.loadModel(future);
            QFAIL("accepted schema version 99");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).find("schema_version") != std::string::npos);
        }
    }

    void batchedEvaluationShapes_data() { addRows(); }
    void batchedEvaluationShapes() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto m = makeModel(c, ds);
        train(*m, ds, 2);
        const auto* tr = ds.split("validation").front();
        const auto p = m->predict(*tr);
        const auto K = tr->samples();
        QVERIFY(p.x.cols() == K || p.y.cols() == K);
        if (p.x.size()) QCOMPARE(p.x.rows(), ds.stateDim());
        if (p.y.size()) QCOMPARE(p.y.rows(), ds.outputDim());
        if (!m->isContinuous()) return;
        sd::Rng rng(4);
        const Eigen::Index n = ds.stateDim(), nu = m->dims().input;
        const Eigen::MatrixXd X = rng.normalMatrix(n, 7), U = rng.normalMatrix(nu, 7);
        const Eigen::MatrixXd F = m->field(X, U);
        QCOMPARE(F.rows(), n);
        QCOMPARE(F.cols(), Eigen::Index(7));
        QVERIFY(F.allFinite());
        for (Eigen::Index j = 0; j < 7; ++j) {
            const Eigen::MatrixXd Fj = m->field(X.col(j), U.col(j));
            QVERIFY((Fj - F.col(j)).norm() <= 1e-12 * (1.0 + F.col(j).norm()));
        }
        if (m->hasLyapunov()) {
            const Eigen::RowVectorXd v0 = m->lyapunov(Eigen::MatrixXd::Zero(n, 1));
            QCOMPARE(v0[0], 0.0);
            const Eigen::RowVectorXd v = m->lyapunov(X);
            QVERIFY((v.array() > 0.0).all());
        }
    }

    void seedsAreReproducible_data() { addRows(); }
    void seedsAreReproducible() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto a = makeModel(c, ds), b = makeModel(c, ds);
        train(*a, ds, 7);
        train(*b, ds, 7);
        QCOMPARE(a->toJson()["parameters"].dump(), b->toJson()["parameters"].dump());
        // A clone is an independent snapshot.
        auto snapshot = a->clone();
        const std::string before = snapshot->toJson().dump();
        auto other = c.dataset();
        for (auto& tr : other.trajectories) { tr.x *= 1.5; tr.dxdt *= 1.5; tr.y *= 1.5; }
        train(*a, other, 8);
        QCOMPARE(snapshot->toJson().dump(), before);
    }

    void typedCertificateKeepsTheContract_data() { addRows(); }
    void typedCertificateKeepsTheContract() {
        using sd::model::GuaranteeKind;
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto untrained = makeModel(c, ds);
        auto trained = makeModel(c, ds);
        train(*trained, ds, 5);
        for (const Model* m : {untrained.get(), trained.get()}) {
            const sd::model::Certificate cert = m->certify();
            QVERIFY(!cert.guarantee.empty());
            if (cert.kind == GuaranteeKind::None) QVERIFY2(!cert.verified, "a model that claims nothing cannot be verified");
            if (cert.verified)
                for (const auto& check : cert.checks) QVERIFY2(check.passed, check.name.c_str());
            for (const auto& check : cert.checks) QVERIFY(!check.name.empty());
            // The kind's own fields are filled, the others empty.
            const bool exponential = cert.kind == GuaranteeKind::ExponentialStability;
            QCOMPARE(std::isfinite(cert.decreaseRate), exponential);
            if (exponential) QVERIFY(cert.decreaseRate >= 0.0);
            QCOMPARE(cert.bibs.has_value(), cert.kind == GuaranteeKind::BoundedInputBoundedState);
            if (cert.bibs) QVERIFY(std::isfinite(cert.bibs->radius(1.0)) && cert.bibs->radius(1.0) >= 0.0);
            QCOMPARE(std::isfinite(cert.lipschitzBound), cert.kind == GuaranteeKind::Lipschitz);
            for (const auto& e : cert.eigenvalues) QVERIFY(std::isfinite(e.real()) && std::isfinite(e.imag()));
            // The decrease rate of the Lyapunov view is the certificate's α.
            if (m->hasLyapunov() && exponential) QCOMPARE(m->lyapunovDecreaseRate(), cert.decreaseRate);
            if (!m->hasLyapunov()) QCOMPARE(m->lyapunovDecreaseRate(), 0.0);
            // The document's certificate object is the typed certificate written out.
            const json j = m->certificate();
            QCOMPARE(j, cert.toJson());
            QCOMPARE(j["kind"].get<std::string>(), sd::model::toString(cert.kind));
            QCOMPARE(j["verified"].get<bool>(), cert.verified);
            QCOMPARE(j["checks"].size(), cert.checks.size());
        }
        // What a trained model of each case certifies (the conformance rows use default variants).
        const std::map<std::string, GuaranteeKind> expected = {
            {"stable-opinf/least-squares", GuaranteeKind::None},          {"stable-opinf/stable", GuaranteeKind::BoundedInputBoundedState},
            {"lyapunov-net/stable", GuaranteeKind::ExponentialStability}, {"ren/contracting", GuaranteeKind::Contraction},
            {"vae-latent/stable", GuaranteeKind::ExponentialStability}};
        QCOMPARE(int(trained->certify().kind), int(expected.at(c.name)));
        if (c.name != "stable-opinf/least-squares") QVERIFY2(trained->certify().verified, trained->certificate().dump().c_str());
    }

    void randomisedModelsDependOnTheSeedOnly_data() { addRows(); }
    void randomisedModelsDependOnTheSeedOnly() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        const auto& plugin = *host_.require(c.pluginId).plugin;
        const auto info = sd::data::DatasetInfo::of(ds);
        if (!plugin.isRandomisable()) {
            QVERIFY_THROWS_EXCEPTION(sd::Error, plugin.createRandomised(c.hyper, info, 1));
            return;
        }
        const auto a = plugin.createRandomised(c.hyper, info, 11), b = plugin.createRandomised(c.hyper, info, 11),
                   other = plugin.createRandomised(c.hyper, info, 12);
        const std::string pa = a->toJson()["parameters"].dump();
        QCOMPARE(b->toJson()["parameters"].dump(), pa);
        QVERIFY(other->toJson()["parameters"].dump() != pa);
        // The seed is part of the model: its document re-creates the same draw.
        const auto back = host_.loadModel(json::parse(a->toJson().dump()));
        QCOMPARE(back->toJson()["parameters"].dump(), pa);
        // Seeds outside 0 … kMaxRandomSeed are refused with an error.
        QVERIFY_THROWS_EXCEPTION(sd::Error, plugin.createRandomised(c.hyper, info, sd::model::kMaxRandomSeed + 1));
    }

    void refusesMismatchedData_data() { addRows(); }
    void refusesMismatchedData() {
        const auto& c = currentCase();
        const auto ds = c.dataset();
        auto m = makeModel(c, ds);
        auto wrong = ds;
        wrong.stateNames.push_back("extra");
        wrong.outputNames.push_back("extra");
        for (auto& tr : wrong.trajectories) {
            if (tr.x.rows()) { tr.x.conservativeResize(tr.x.rows() + 1, Eigen::NoChange); tr.x.bottomRows(1).setZero(); }
            if (tr.dxdt.rows()) { tr.dxdt.conservativeResize(tr.dxdt.rows() + 1, Eigen::NoChange); tr.dxdt.bottomRows(1).setZero(); }
            if (tr.y.rows()) { tr.y.conservativeResize(tr.y.rows() + 1, Eigen::NoChange); tr.y.bottomRows(1).setZero(); }
        }
        QVERIFY_THROWS_EXCEPTION(sd::Error, train(*m, wrong, 0));
    }
};

QTEST_GUILESS_MAIN(TestPluginConformance)
#include "test_plugin_conformance.moc"
