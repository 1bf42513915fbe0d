// `stabledyn experiment slurm | collect` against a real single-node Slurm (munge + slurmctld + slurmd started by
// scripts/slurm-local.sh): the generated job array runs every cell through the same CLI, `collect` merges the
// tasks' results, and they equal a local run's; a second submission finds nothing pending. Skips, saying
// why, where the daemons cannot start (not root, packages missing).
#include "test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env, int timeoutMs = 120000) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, "timed out"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

std::map<std::string, json> recordsById(const QString& file) {
    std::map<std::string, json> out;
    std::ifstream in(file.toStdString());
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) {
            json r = json::parse(l);
            for (const char* k : {"timings", "finished_at", "host"}) r.erase(k);
            const std::string id = r["id"];
            out[id] = r;
        }
    return out;
}

}  // namespace

class TestExperimentSlurm : public QObject {
    Q_OBJECT
    QTemporaryDir dir_{QDir::tempPath() + "/sd-slurm-XXXXXX"};   // the Slurm tasks write here
    QProcessEnvironment env_ = QProcessEnvironment::systemEnvironment();
    QString stabledyn_;

private slots:
    void initTestCase() {
        const char* src = std::getenv("STABLEDYN_SOURCE_DIR");
        const char* bin = std::getenv("STABLEDYN_BIN_DIR");
        QVERIFY(src && bin);
        stabledyn_ = QString(bin) + "/stabledyn";
        const Run start = run(QString(src) + "/scripts/slurm-local.sh", {"start"}, env_, 90000);
        if (start.exitCode != 0)
            QSKIP(qPrintable("no local Slurm cluster (scripts/slurm-local.sh start failed): " + start.err.trimmed()));
        const QString conf = start.out.trimmed().split('\n').last();
        QVERIFY2(conf.startsWith("SLURM_CONF="), qPrintable(start.out));
        env_.insert("SLURM_CONF", conf.mid(11));
    }

    void jobArrayRunsEveryCellAndCollectMerges() {
        const json plan = {{"format", "stabledyn-experiment-plan"}, {"version", 1}, {"name", "slurm-fixture"}, {"plugin", "fixture-experiment"},
                           {"fixed", {{"epochs", 10}}},
                           {"datasets", {{{"name", "pend"}, {"generate", "pendulum"},
                                          {"params", {{"mode", "trajectories"}, {"train_trajectories", 2}, {"test_trajectories", 2}, {"t_end", 5}, {"sample_time", 0.05}}},
                                          {"seed", 1}}}},
                           {"axes", {{{"key", "lr"}, {"values", {0.05, 0.2}}}, {{"key", "mode"}, {"values", {"ok", "nan"}}}}},
                           {"seeds", {0, 1}},
                           {"metrics", {{{"name", "test"}, {"kind", "evaluate"}, {"split", "test"}}}}};
        const QString planFile = dir_.filePath("plan.json");
        std::ofstream(planFile.toStdString()) << plan.dump(2);
        const QString out = dir_.filePath("cluster");
        const QStringList fixture = {"--plugin-dir", SD_EXPERIMENT_FIXTURE_DIR};

        Run r = run(stabledyn_, QStringList{"experiment", "slurm", planFile, "--out", out, "--throttle", "4", "--time", "00:05:00", "--mem", "500M", "--submit"} + fixture, env_);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json submitted = json::parse(r.out.toStdString());
        QCOMPARE(submitted["pending"].get<int>(), 8);
        QCOMPARE(submitted["array"].get<std::string>(), std::string("0-7%4"));
        const QString job = QString::fromStdString(submitted["job_id"].get<std::string>());
        QVERIFY(!job.isEmpty());
        // Wait until Slurm has run the whole array.
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 300000) {
            const Run q = run("squeue", {"-h", "-j", job}, env_);
            if (q.exitCode != 0 || q.out.trimmed().isEmpty()) break;
            QTest::qWait(500);
        }
        QVERIFY2(t.elapsed() < 300000, "the job array did not finish within 5 minutes");
        QCOMPARE(QDir(out + "/parts").entryList({"*.jsonl"}).size(), 8);

        r = run(stabledyn_, {"experiment", "collect", out}, env_);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json collected = json::parse(r.out.toStdString());
        QCOMPARE(collected["records"].get<int>(), 8);
        QCOMPARE(collected["counts"]["ok"].get<int>(), 4);
        QCOMPARE(collected["counts"]["nan"].get<int>(), 4);

        // The same plan run locally gives the same records.
        r = run(stabledyn_, QStringList{"experiment", "run", planFile, "--out", dir_.filePath("local"), "--jobs", "1"} + fixture, env_);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto cluster = recordsById(out + "/results.jsonl"), local = recordsById(dir_.filePath("local/results.jsonl"));
        QCOMPARE(cluster.size(), std::size_t(8));
        for (const auto& [id, rec] : local) QCOMPARE(cluster.at(id).dump(), rec.dump());

        // Nothing pending: no second array.
        r = run(stabledyn_, QStringList{"experiment", "slurm", planFile, "--out", out, "--submit"} + fixture, env_);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json::parse(r.out.toStdString())["pending"].get<int>(), 0);
        QVERIFY(r.err.contains("nothing to submit"));
    }
};

QTEST_GUILESS_MAIN(TestExperimentSlurm)
#include "test_experiment_slurm.moc"
