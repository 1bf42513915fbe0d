// Crash safety (docs/RELIABILITY.md, "Files"): processes are killed with SIGKILL at random moments while they
// write, many times, and the target must then be the complete old file or the complete new one — never a
// partial file. Covered: a large model export (`stabledyn train … --out`), dataset saves (`stabledyn generate
// … --out` as CSV and JSON), the studio's session writer and the experiment results append (tests/cli/
// crash_writer.cpp loops over them, since the studio has no command line and a run appends small lines).
#include "core/data/csv.h"
#include "core/data/dataset_json.h"
#include "core/experiment/result_store.h"
#include "app/studio/session_file.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

QString binDir() {
    const char* bin = std::getenv("STABLEDYN_BIN_DIR");
    return QString(bin ? bin : ".");
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Outcome {
    bool finished = false;   ///< exited on its own before the kill
    int exitCode = -1;
    qint64 ms = 0;
};

// Starts `program args`, kills it with SIGKILL after `killAfterMs` (unless it finished), waits for it.
Outcome runAndKill(const QString& program, const QStringList& args, qint64 killAfterMs) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForStarted(30000)) qFatal("cannot start %s", qPrintable(program));
    Outcome o;
    if (p.waitForFinished(static_cast<int>(killAfterMs))) {
        o.finished = p.exitStatus() == QProcess::NormalExit;
        o.exitCode = p.exitCode();
    } else {
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished(30000);
    }
    o.ms = t.elapsed();
    return o;
}

std::mt19937& rng() {
    static std::mt19937 g = [] {
        const unsigned seed = std::random_device{}();
        qInfo("random kill moments: seed %u", seed);
        return std::mt19937(seed);
    }();
    return g;
}

qint64 uniformMs(qint64 lo, qint64 hi) { return std::uniform_int_distribution<qint64>(lo, hi)(rng()); }

// The target either kept its old bytes or is a complete new version (`isCompleteNew` decides); `old` becomes
// the current bytes. Returns 0 for old, 1 for new; fails the test for anything else.
int oldOrNew(const fs::path& target, std::string& old, const std::function<bool(const std::string&)>& isCompleteNew) {
    const std::string now = slurp(target);
    if (now == old) return 0;
    if (!isCompleteNew(now)) {
        const std::string file = (fs::path(target).filename()).string();
        QTest::qFail(qPrintable(QString("%1 is neither the old file nor a complete new one (%2 bytes)")
                                    .arg(QString::fromStdString(file))
                                    .arg(now.size())),
                     __FILE__, __LINE__);
        return -1;
    }
    old = now;
    return 1;
}

// Files next to the target other than the target itself must be the writer's hidden temporaries.
void onlyHiddenTemporariesBeside(const fs::path& target) {
    for (const auto& e : fs::directory_iterator(target.parent_path())) {
        const std::string name = e.path().filename().string();
        if (e.path() == target || name.rfind("." + target.filename().string() + ".tmp", 0) == 0) continue;
        QFAIL(qPrintable(QString::fromStdString("unexpected file beside the target: " + name)));
    }
}

}  // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path dir(const std::string& name) const {
        const fs::path d = fs::path(tmp_.path().toStdString()) / name;
        fs::create_directories(d);
        return d;
    }
    QString cli() const { return binDir() + "/stabledyn"; }
    QString crashWriter() const { return binDir() + "/../tests/crash_writer"; }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const auto o = runAndKill(cli(),
                                  {"generate", "pendulum", "--param", "mode=trajectories", "--param", "train_trajectories=2",
                                   "--param", "test_trajectories=1", "--param", "t_end=1", "--out",
                                   QString::fromStdString((dir("data") / "pend.json").string())},
                                  120000);
        QVERIFY(o.finished && o.exitCode == 0);
    }

    // ~20 MB model JSON (an untrained 1000x1000 MLP), new seed each time, killed anywhere in the run.
    void aModelExportKilledAtRandomMomentsIsOldOrNew() {
        const fs::path target = dir("export") / "model.json";
        auto args = [&](int seed) {
            return QStringList{"train", "--plugin", "lyapunov-net", "--data",
                               QString::fromStdString((dir("data") / "pend.json").string()), "--set", "variant=simple",
                               "--set", "simple_hidden=[1000,1000]", "--set", "epochs=0", "--set",
                               "init_seed=" + QString::number(seed), "--out", QString::fromStdString(target.string())};
        };
        const Outcome first = runAndKill(cli(), args(0), 300000);
        QVERIFY(first.finished && first.exitCode == 0);
        QVERIFY(fs::file_size(target) > (10u << 20));
        std::string old = slurp(target);
        int kept = 0, replaced = 0;
        for (int seed = 1; seed <= 12; ++seed) {
            runAndKill(cli(), args(seed), uniformMs(first.ms / 4, first.ms * 5 / 4));
            const int r = oldOrNew(target, old, [&](const std::string& text) {
                const json doc = json::parse(text, nullptr, false);
                return !doc.is_discarded() && doc.contains("hyperparameters") &&
                       doc["hyperparameters"].value("init_seed", -1) == seed;
            });
            if (r < 0) return;
            (r ? replaced : kept)++;
        }
        qInfo("model export (%lld ms per run): %d kills left the old file, %d runs completed the new one",
              (long long)first.ms, kept, replaced);
        onlyHiddenTemporariesBeside(target);
    }

    // Burgers data (a few MB) as CSV and as a JSON dataset, new seed each time.
    void aDatasetSaveKilledAtRandomMomentsIsOldOrNew() {
        for (const std::string ext : {"csv", "json"}) {
            const fs::path target = dir("dataset-" + ext) / ("burgers." + ext);
            auto args = [&](int seed) {
                return QStringList{"generate", "burgers", "--param", "nodes=64", "--param", "train_trajectories=3",
                                   "--param", "test_trajectories=3", "--param", "samples=1501", "--seed",
                                   QString::number(seed), "--out", QString::fromStdString(target.string())};
            };
            const Outcome first = runAndKill(cli(), args(0), 300000);
            QVERIFY(first.finished && first.exitCode == 0);
            std::string old = slurp(target);
            auto shape = [&](const fs::path& file) {
                if (ext == "csv") return sd::data::CsvTable::read(file, 0).rowCount();
                std::size_t samples = 0;
                for (const auto& tr : sd::data::loadDatasetJson(file).trajectories) samples += std::size_t(tr.samples());
                return samples;
            };
            const std::size_t expected = shape(target);
            int kept = 0, replaced = 0;
            for (int seed = 1; seed <= 8; ++seed) {
                runAndKill(cli(), args(seed), uniformMs(first.ms / 4, first.ms * 5 / 4));
                const int r = oldOrNew(target, old, [&](const std::string&) {
                    try {
                        return shape(target) == expected;
                    } catch (const std::exception&) {
                        return false;
                    }
                });
                if (r < 0) return;
                (r ? replaced : kept)++;
            }
            qInfo("dataset save as %s (%lld ms per run, %zu bytes): %d old, %d new", ext.c_str(), (long long)first.ms,
                  old.size(), kept, replaced);
            onlyHiddenTemporariesBeside(target);
        }
    }

    // The studio's session writer rewriting a ~5 MB session in a loop: killed mid-write nearly every time.
    void aSessionSaveKilledAtRandomMomentsIsOldOrNew() {
        const fs::path target = dir("session") / "studio.session";
        std::string old;
        long lastCounter = 0;
        int versions = 0;
        for (int round = 0; round < 15; ++round) {
            runAndKill(crashWriter(), {"session", QString::fromStdString(target.string())}, uniformMs(150, 900));
            if (!fs::exists(target)) {
                QCOMPARE(lastCounter, 0L);   // only before the first complete write
                continue;
            }
            const int r = oldOrNew(target, old, [&](const std::string& text) {
                try {
                    const auto s = sd::studio::Session::fromJson(json::parse(text), "session");
                    const long counter = s.views.at("counter").get<long>();
                    const bool complete = s.model.at("parameters").at(0).at("data").size() == 250000;
                    if (!complete) return false;
                    lastCounter = counter;
                    return true;
                } catch (const std::exception&) {
                    return false;
                }
            });
            if (r < 0) return;
            versions += r;
        }
        QVERIFY(lastCounter > 0);
        qInfo("session writer: 15 kills, %d new complete versions seen, none partial", versions);
        onlyHiddenTemporariesBeside(target);
    }

    // 256 kB result lines appended in a loop: after every kill each '\n'-terminated line is a complete record;
    // a torn tail (a kill inside the write) has no '\n', is skipped by readers and cut off by the next append.
    void aResultAppendKilledAtRandomMomentsLeavesOnlyCompleteLines() {
        const fs::path target = dir("append") / "results.jsonl";
        int tornTails = 0;
        std::size_t committed = 0;
        auto check = [&](bool tailAllowed) {
            const std::string text = slurp(target);
            std::size_t begin = 0, lines = 0;
            long previous = 0;
            while (begin < text.size()) {
                const std::size_t nl = text.find('\n', begin);
                if (nl == std::string::npos) {
                    QVERIFY2(tailAllowed, "an unterminated tail survived an append");
                    ++tornTails;
                    break;
                }
                const json line = json::parse(text.substr(begin, nl - begin), nullptr, false);
                QVERIFY2(!line.is_discarded(), "a '\\n'-terminated line is not complete JSON");
                QCOMPARE(line["payload"].get<std::string>().size(), line["length"].get<std::size_t>());
                QVERIFY(line["n"].get<long>() == previous + 1 || lines == 0 || line["n"].get<long>() == 1);
                previous = line["n"].get<long>();
                ++lines;
                begin = nl + 1;
            }
            int skipped = 0;
            QCOMPARE(sd::experiment::readJsonLines(target, &skipped).size(), lines);
            QVERIFY(lines >= committed);   // nothing committed is ever lost
            committed = lines;
        };
        for (int round = 0; round < 15; ++round) {
            runAndKill(crashWriter(), {"append", QString::fromStdString(target.string())}, uniformMs(50, 400));
            check(true);
            if (QTest::currentTestFailed()) return;
        }
        sd::experiment::appendJsonLine(target, {{"n", 1}, {"length", 0}, {"payload", ""}});
        check(false);
        qInfo("results append: 15 kills, %zu complete lines, %d torn tails seen (all cut off by the next append)",
              committed, tornTails);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_crash_safety.moc"
