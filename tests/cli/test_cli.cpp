// End-to-end runs of the stabledyn executable: generate → train → eval → simulate → certify on a small
// controlled Burgers problem with POD (the foundation issue's "done when"), and the CLI's error paths
// (clear message on stderr naming what and where, non-zero exit status, nothing half-written).
#include "cli_runner.h"
#include "test_support.h"

#include <cmath>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

using Run = sd::test::CliRun;
using sd::test::runCli;

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path(const char* name) const { return dir_.filePath(name); }

private slots:
    void pluginsAndDatasetsListAsJson() {
        const Run plugins = runCli({"plugins"});
        QCOMPARE(plugins.exitCode, 0);
        const json pluginList = plugins.parsed();  // keep the document alive for the loop
        bool found = false;
        for (const auto& p : pluginList["plugins"]) found = found || p["id"] == "stable-opinf";
        QVERIFY2(found, qPrintable(plugins.out));
        QVERIFY(pluginList["failures"].empty());

        const Run datasets = runCli({"datasets"});
        QCOMPARE(datasets.exitCode, 0);
        const json datasetList = datasets.parsed();
        bool demo = false;
        for (const auto& d : datasetList["datasets"]) demo = demo || (d["name"] == "demo-pendulum" && d["available"] == true);
        QVERIFY2(demo, "the bundled demo is registered and available");
    }

    void burgersGenerateTrainEval() {
        const Run gen = runCli({"generate", "burgers", "--param", "nodes=80", "--param", "train_trajectories=3",
                                "--param", "test_trajectories=2", "--param", "samples=301", "--param", "t_end=6",
                                "--seed", "3", "--out", path("burgers.json")});
        QVERIFY2(gen.exitCode == 0, qPrintable(gen.err));
        QCOMPARE(gen.parsed()["trajectories"].get<int>(), 5);

        const Run train = runCli({"train", "--plugin", "stable-opinf", "--data", path("burgers.json"), "--set", "basis=pod",
                                  "--set", "pod_rank=6", "--set", "reg_A=1e-4", "--set", "reg_H=1e-2", "--seed", "5",
                                  "--out", path("model.json")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QVERIFY2(train.err.contains("epoch 1/1"), "progress goes to stderr");
        const json t = train.parsed();
        QCOMPARE(t["status"].get<std::string>(), std::string("completed"));
        QCOMPARE(t["certificate"]["reduced_dim"].get<int>(), 6);
        QVERIFY(QFile::exists(path("model.json")));

        const Run eval = runCli({"eval", "--model", path("model.json"), "--data", path("burgers.json"), "--split", "test"});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        const json e = eval.parsed();
        QCOMPARE(e["trajectories"].size(), std::size_t(2));
        QCOMPARE(e["diverged_count"].get<int>(), 0);
        const double rel = e["mean_relative_error"].get<double>();
        qInfo("Burgers (80 nodes, POD r = 6) mean relative test error: %.4g", rel);
        QVERIFY2(rel > 0.0 && rel < 0.1, qPrintable(QString::number(rel)));

        const Run sim = runCli({"simulate", "--model", path("model.json"), "--data", path("burgers.json"), "--split", "test",
                                "--trajectory", "1", "--out", path("sim.csv")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.err));
        QCOMPARE(sim.parsed()["x"].size(), std::size_t(80));
        QCOMPARE(sim.parsed()["t"].size(), std::size_t(301));
        QVERIFY(QFile(path("sim.csv")).size() > 1000);

        const Run cert = runCli({"certify", "--model", path("model.json")});
        QCOMPARE(cert.exitCode, 0);
        QCOMPARE(cert.parsed()["certificate"]["eigenvalues"].size(), std::size_t(6));
    }

    void opinfAutomaticLambdaAndPodRankFromTheCli() {
        const Run gen = runCli({"generate", "burgers", "--param", "nodes=80", "--param", "train_trajectories=3",
                                "--param", "test_trajectories=1", "--param", "samples=301", "--param", "t_end=6",
                                "--seed", "3", "--out", path("burgers-auto.json")});
        QVERIFY2(gen.exitCode == 0, qPrintable(gen.err));
        // λ chosen by validation rollouts (list-valued --set); the reason is in the message and the model file.
        const Run a = runCli({"train", "--plugin", "stable-opinf", "--data", path("burgers-auto.json"), "--set", "basis=pod",
                              "--set", "pod_rank=6", "--set", "regulariser=auto", "--set", "lambda_candidates=[0,1e-4,1e-2]",
                              "--out", path("auto.json")});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QVERIFY2(QString::fromStdString(a.parsed()["message"].get<std::string>()).contains("chosen"), qPrintable(a.out));
        QFile f(path("auto.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const json doc = json::parse(f.readAll().toStdString());
        QCOMPARE(doc["training"]["regulariser_selection"]["candidates"].size(), std::size_t(3));
        QVERIFY(doc["training"]["regulariser_selection"]["chosen_lambda"].is_number());
        // No basis, 80 states, 903 samples: the full-state fit is under-determined, so a POD rank is chosen.
        const Run p = runCli({"train", "--plugin", "stable-opinf", "--data", path("burgers-auto.json"), "--out", path("pod.json")});
        QVERIFY2(p.exitCode == 0, qPrintable(p.err));
        QVERIFY2(QString::fromStdString(p.parsed()["message"].get<std::string>()).contains("automatic POD basis of rank"), qPrintable(p.out));
        QVERIFY(p.parsed()["certificate"]["reduced_dim"].get<int>() < 80);
    }

    void opinfQuadraticStudyKeepsStableModelsInsideTheirCertificate() {
        // The paper's low-dimensional study (studies/stable_opinf/quadratic.json), shortened: noise-free Example I (12 000 Adam steps,
        // under a second), without the RK4-loss model. Both variants fit; every stable
        // test simulation stays inside its certified bounded-input bounded-state radius.
        const Run r = runCli({"study", "opinf-quadratic", "--datasets", "example1", "--axis", "model=least_squares,stable", "--quiet", "--out",
                              path("opinf-quadratic")});
        QCOMPARE(r.exitCode, 0);
        const json doc = r.parsed();
        const json& models = doc["presets"][0]["models"];
        QVERIFY(models["stable"]["verified"].get<bool>());
        QVERIFY(models["stable"]["max_real_eigenvalue"].get<double>() < 0.0);
        QVERIFY(!models["least_squares"]["verified"].get<bool>());
        QCOMPARE(models["stable"]["tests"].size(), models["least_squares"]["tests"].size());
        for (const auto& t : models["stable"]["tests"]) {
            QVERIFY2(t["within_certificate"].get<bool>(), t.dump().c_str());
            QVERIFY(t["max_state_norm"].get<double>() <= t["certified_state_bound"].get<double>());
            QVERIFY2(t["relative_error"].get<double>() < 0.1, t.dump().c_str());
        }
        const Run bad = runCli({"study", "no-such-study"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("unknown study 'no-such-study'"), qPrintable(bad.err));
    }

    void errorsNameWhatAndWhere() {
        // Unknown plugin.
        Run r = runCli({"train", "--plugin", "no-such-plugin", "--data", "demo-pendulum", "--out", path("x.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("plugin 'no-such-plugin'") && r.err.contains("stable-opinf"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("x.json")));
        // Out-of-range hyperparameter.
        r = runCli({"train", "--plugin", "stable-opinf", "--data", "demo-pendulum", "--set", "pod_energy=2", "--out", path("x.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("hyperparameter 'pod_energy'") && r.err.contains("maximum"), qPrintable(r.err));
        // Malformed CSV: the file and line are named.
        QFile csv(path("bad.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("t,x1,x2\n0,1,2\n0.1,1,oops\n");
        csv.close();
        r = runCli({"train", "--plugin", "stable-opinf", "--data", path("bad.csv"), "--csv-time", "t", "--csv-states", "x1,x2",
                    "--out", path("x.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.csv:3") && r.err.contains("oops"), qPrintable(r.err));
        // Unknown dataset name lists the registry.
        r = runCli({"eval", "--model", path("model.json"), "--data", "nonexistent-dataset"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("demo-pendulum"), qPrintable(r.err));
        // Model JSON with a future schema version.
        QFile model(path("future.json"));
        QVERIFY(model.open(QIODevice::WriteOnly));
        model.write(R"({"format": "stabledyn-model", "schema_version": 3, "plugin": {"id": "stable-opinf"}})");
        model.close();
        r = runCli({"certify", "--model", path("future.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("schema_version") && r.err.contains("unsupported version 3"), qPrintable(r.err));
        // Unknown option and unknown command.
        QCOMPARE(runCli({"train", "--bogus", "1"}).exitCode, 1);
        QCOMPARE(runCli({"frobnicate"}).exitCode, 2);
    }

    // List-valued --set takes JSON, and --help says so.
    void listValuedSetIsJson() {
        const Run help = runCli({"--help"});
        QVERIFY2(help.out.contains("fhat_hidden=[32,32]"), qPrintable(help.out));
        const Run train = runCli({"train", "--plugin", "lyapunov-net", "--data", "demo-pendulum", "--set", "epochs=0",
                                  "--set", "fhat_hidden=[8,8]", "--set", "v_hidden=[6]", "--out", path("lyap.json")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QFile f(path("lyap.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const json doc = json::parse(f.readAll().toStdString());
        QCOMPARE(doc["hyperparameters"]["fhat_hidden"], json({8, 8}));
        QCOMPARE(doc["parameters"]["fhat.0.weight"]["shape"], json({8, 2}));
    }

    // Issue 13 B7 from the CLI: a stable model simulated from (2, 2) to t = 200 ends at rest — not "diverged",
    // not stalled — and prints when (stalled / stall_time / rest_time beside diverged).
    void longSimulationEndsAtRest() {
        const Run train = runCli({"train", "--plugin", "lyapunov-net", "--data", "demo-pendulum", "--set", "epochs=0",
                                  "--set", "alpha=1", "--set", "eps=0.01", "--set", "certificate_samples=400",
                                  "--out", path("rest.json")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const Run sim = runCli({"simulate", "--model", path("rest.json"), "--x0", "2,2", "--t-end", "200", "--samples", "401"});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.err));
        const json out = json::parse(sim.out.toStdString());
        QCOMPARE(out["diverged"].get<bool>(), false);
        QCOMPARE(out["stalled"].get<bool>(), false);
        QVERIFY(out["stall_time"].is_null());
        QVERIFY2(out["rest_time"].is_number() && out["rest_time"].get<double>() < 200.0, out["rest_time"].dump().c_str());
        const json& x = out["x"];
        QCOMPARE(x.size(), std::size_t(2));
        QVERIFY(std::hypot(x[0].back().get<double>(), x[1].back().get<double>()) <= 1e-4);   // rest_radius (default)
    }

    // --threads N (any command): the trained parameters are identical for 1 and 2 threads (docs/methods/core.md
    // §1.6); a bad count is a clear error.
    void threadsOptionGivesIdenticalModels() {
        json params[2];
        for (int threads : {1, 2}) {
            const QString out = path(threads == 1 ? "threads1.json" : "threads2.json");
            const Run train = runCli({"train", "--threads", QString::number(threads), "--plugin", "lyapunov-net", "--data",
                                      "demo-pendulum", "--set", "epochs=3", "--set", "batch_size=512", "--out", out});
            QVERIFY2(train.exitCode == 0, qPrintable(train.err));
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            params[threads - 1] = json::parse(f.readAll().toStdString())["parameters"];
        }
        QVERIFY(!params[0].empty());
        QVERIFY(params[0] == params[1]);
        const Run bad = runCli({"train", "--threads", "0", "--plugin", "lyapunov-net", "--data", "demo-pendulum", "--out", path("t.json")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("option --threads") && bad.err.contains("'0'"), qPrintable(bad.err));
        QVERIFY(!QFile::exists(path("t.json")));
        QCOMPARE(runCli({"plugins", "--threads"}).exitCode, 1);  // missing value
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
