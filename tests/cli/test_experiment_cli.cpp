// `stabledyn experiment …` end to end with the engine's fixture plugin: run / status / report / resume, a run
// killed with SIGKILL resumes without losing or repeating a cell, Ctrl-C (SIGINT) stops cleanly (exit 3, no
// record for the cells cut short), overrides, and bad plans fail with the field named (exit 1).
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

using nlohmann::json;

namespace {

using Run = sd::test::CliRun;
using sd::test::runCli;
using sd::test::stabledynBinary;

QStringList withFixture(QStringList args) { return args << "--plugin-dir" << SD_EXPERIMENT_FIXTURE_DIR; }

json plan(int epochs, int delayMs, const json& lrs) {
    return {{"format", "stabledyn-experiment-plan"},
            {"version", 1},
            {"name", "cli-fixture"},
            {"plugin", "fixture-experiment"},
            {"fixed", {{"epochs", epochs}, {"delay_ms", delayMs}}},
            {"datasets", {{{"name", "pend"}, {"generate", "pendulum"},
                           {"params", {{"mode", "trajectories"}, {"train_trajectories", 2}, {"test_trajectories", 2}, {"t_end", 5}, {"sample_time", 0.05}}},
                           {"seed", 1}}}},
            {"axes", {{{"key", "lr"}, {"values", lrs}}}},
            {"seeds", {0, 1}},
            {"metrics", {{{"name", "test"}, {"kind", "evaluate"}, {"split", "test"}}}}};
}

std::vector<json> lines(const QString& file) {
    std::vector<json> out;
    std::ifstream in(file.toStdString());
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(json::parse(l));
    return out;
}

// Starts a run, waits until `records` result lines exist, then sends `signal`; returns the exit code and stderr.
Run interrupt(const QStringList& args, const QString& results, int records, int signal) {
    QProcess p;
    p.start(stabledynBinary(), args);
    if (!p.waitForStarted()) return {};
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 60000 && static_cast<int>(lines(results).size()) < records) QTest::qWait(20);
    ::kill(static_cast<pid_t>(p.processId()), signal);
    p.waitForFinished(30000);
    return {p.exitStatus() == QProcess::CrashExit ? -signal : p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestExperimentCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }
    QString writePlan(const QString& name, const json& j) const {
        std::ofstream(path(name).toStdString()) << j.dump(2);
        return path(name);
    }

private slots:
    void runStatusReportAndResume() {
        const QString file = writePlan("plan.json", plan(10, 0, {0.05, 0.1, 0.2}));
        Run r = runCli(withFixture({"experiment", "run", file, "--out", path("out"), "--jobs", "2"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        json s = r.parsed();
        QCOMPARE(s["cells"].get<int>(), 6);
        QCOMPARE(s["ran"].get<int>(), 6);
        QCOMPARE(s["ok"].get<int>(), 6);
        QVERIFY2(r.err.contains("[6/6 done, 0 running, 0 failed]"), qPrintable(r.err));   // progress on stderr
        r = runCli(withFixture({"experiment", "status", path("out")}));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.parsed()["done"].get<int>(), 6);
        r = runCli(withFixture({"experiment", "report", path("out")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(path("out/report/report.md")));
        QVERIFY(r.parsed()["plots"].size() >= 1);
        // Resume: nothing left to do; an extended axis runs only the new cells.
        r = runCli(withFixture({"experiment", "run", file, "--out", path("out")}));
        QCOMPARE(r.parsed()["ran"].get<int>(), 0);
        QCOMPARE(r.parsed()["skipped"].get<int>(), 6);
        r = runCli(withFixture({"experiment", "run", file, "--out", path("out"), "--axis", "lr=0.05,0.1,0.2,0.4"}));
        QCOMPARE(r.parsed()["ran"].get<int>(), 2);
        QCOMPARE(lines(path("out/results.jsonl")).size(), std::size_t(8));
    }

    void killedRunResumesWithoutLosingOrRepeatingCells() {
        // 12 slow cells (40 epochs × 10 ms); SIGKILL after 3 are recorded, with two in flight.
        const QString file = writePlan("slow.json", plan(40, 10, {0.01, 0.02, 0.03, 0.04, 0.05, 0.06}));
        const QStringList args = withFixture({"experiment", "run", file, "--out", path("killed"), "--jobs", "2"});
        const Run killed = interrupt(args, path("killed/results.jsonl"), 3, SIGKILL);
        QCOMPARE(killed.exitCode, -SIGKILL);
        const auto before = lines(path("killed/results.jsonl"));
        QVERIFY(before.size() >= 3 && before.size() < 12);
        const Run resumed = runCli(args);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QCOMPARE(resumed.parsed()["skipped"].get<int>(), static_cast<int>(before.size()));
        const auto after = lines(path("killed/results.jsonl"));
        QCOMPARE(after.size(), std::size_t(12));
        std::set<std::string> ids;
        for (const auto& r : after) ids.insert(r["id"].get<std::string>());
        QCOMPARE(ids.size(), std::size_t(12));   // every cell exactly once
        for (std::size_t i = 0; i < before.size(); ++i) QCOMPARE(after[i].dump(), before[i].dump());
    }

    void ctrlCStopsCleanly() {
        const QString file = writePlan("interrupt.json", plan(40, 10, {0.01, 0.02, 0.03, 0.04, 0.05, 0.06}));
        const QStringList args = withFixture({"experiment", "run", file, "--out", path("interrupted"), "--jobs", "2"});
        const Run stopped = interrupt(args, path("interrupted/results.jsonl"), 2, SIGINT);
        QCOMPARE(stopped.exitCode, 3);
        QVERIFY2(stopped.err.contains("stopping"), qPrintable(stopped.err));
        const json summary = json::parse(stopped.out.toStdString());
        QVERIFY(summary["cancelled"].get<bool>());
        const auto recorded = lines(path("interrupted/results.jsonl"));
        QCOMPARE(static_cast<int>(recorded.size()), summary["ran"].get<int>());   // cut-short cells are not recorded
        for (const auto& r : recorded) QCOMPARE(r["status"].get<std::string>(), std::string("ok"));
        const Run resumed = runCli(args);
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(lines(path("interrupted/results.jsonl")).size(), std::size_t(12));
    }

    void badPlansNameTheProblem() {
        json bad = plan(10, 0, {0.05});
        bad["axes"][0]["values"] = json::array();
        Run r = runCli(withFixture({"experiment", "run", writePlan("empty.json", bad), "--out", path("x")}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("empty.json.axes[0].values: empty axis"), qPrintable(r.err));
        bad = plan(10, 0, {0.05});
        bad["fixed"]["epoch"] = 3;
        r = runCli(withFixture({"experiment", "run", writePlan("typo.json", bad), "--out", path("x")}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("typo.json.fixed.epoch: 'epoch' is not a hyperparameter of plugin 'fixture-experiment'"), qPrintable(r.err));
        r = runCli(withFixture({"experiment", "run", writePlan("ok.json", plan(10, 0, {0.05})), "--out", path("x"), "--axis", "gamma=1,2"}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("option --axis gamma") && r.err.contains("axes: lr"), qPrintable(r.err));
        r = runCli(withFixture({"experiment", "run", path("ok.json")}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("give --out DIR"), qPrintable(r.err));
        r = runCli({"experiment", "frobnicate"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("unknown subcommand 'frobnicate'"), qPrintable(r.err));
        r = runCli({"experiment", "report", path("nowhere")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no plan.json"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestExperimentCli)
#include "test_experiment_cli.moc"
