// The local runner and its records: results identical for --jobs 1 and --jobs 2 (records and model files),
// resume after a cancel skips finished cells and loses none, a NaN cell and a failing cell are recorded while
// the rest complete, the threads = 1 rule, the atomic append and torn lines, the run lock, the report (mean ±
// std over seeds, only undefined values masked) and the Slurm script / collect path.
#include "core/analysis/svg_plot.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/local_runner.h"
#include "core/experiment/plan_check.h"
#include "core/experiment/report.h"
#include "core/experiment/result_store.h"
#include "core/experiment/slurm.h"
#include "core/experiment/sweep_figures.h"
#include "core/model/model_document.h"
#include "experiment_test_support.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <map>
#include <set>

using namespace sd::experiment;
using namespace sd::experiment::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A record without what legitimately differs between two runs of the same cell.
json comparable(json r) {
    for (const char* k : {"timings", "finished_at", "host"}) r.erase(k);
    r["hyperparameters"].erase("threads");
    return r;
}

std::map<std::string, json> recordsIn(const fs::path& dir) { return latestRecords(dir); }

RunOptions options(const fs::path& out, int jobs) {
    RunOptions o;
    o.outputDir = out;
    o.jobs = jobs;
    return o;
}

class CancelAfter : public RunObserver {
public:
    CancelAfter(std::atomic<bool>& flag, int n) : flag_(flag), n_(n) {}
    void cellFinished(const Cell&, const json&, const Progress& p) override {
        finished = p.done;
        if (p.done >= n_) flag_ = true;
    }
    int finished = 0;

private:
    std::atomic<bool>& flag_;
    int n_;
};

// Every epoch event per cell index, in arrival order.
class EpochLog : public RunObserver {
public:
    void cellEpoch(const Cell& cell, const sd::model::TrainEvent& e) override { epochs[cell.index].push_back(e.epoch); }
    std::map<int, std::vector<int>> epochs;
};

}  // namespace

class TestExperimentRunner : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    sd::model::PluginHost host_;
    Extensions ext_ = Extensions::builtins();

    fs::path dir(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    void initTestCase() {
        scanFixture(host_);
        QVERIFY(host_.find("fixture-experiment"));
    }

    void jobsOneAndTwoGiveIdenticalResults() {
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "lr"}, {"values", {0.01, 0.05, 0.2}}}, {{"key", "target_scale"}, {"values", {0.5, 1.0}}}},
                                                      {{"seeds", {0, 1, 7}}}));
        std::atomic<bool> cancel{false};
        RunOptions one = options(dir("jobs1"), 1);
        RunOptions two = options(dir("jobs2"), 2);
        const RunSummary s1 = runPlan(plan, host_, ext_, one, cancel);
        const RunSummary s2 = runPlan(plan, host_, ext_, two, cancel);
        QCOMPARE(s1.progress.done, 18);
        QCOMPARE(s2.progress.done, 18);
        QCOMPARE(s1.jobs, 1);
        QCOMPARE(s2.jobs, 2);
        QCOMPARE(s1.ok, 18);
        const auto r1 = recordsIn(dir("jobs1")), r2 = recordsIn(dir("jobs2"));
        QCOMPARE(r1.size(), std::size_t(18));
        std::set<double> distinct;
        for (const auto& [id, rec] : r1) {
            QVERIFY(r2.count(id));
            QCOMPARE(comparable(rec).dump(), comparable(r2.at(id)).dump());
            // The model files are identical too (but for the threads setting), and the seed matters.
            json m1 = sd::model::readJsonFile(dir("jobs1") / rec["model_file"].get<std::string>());
            json m2 = sd::model::readJsonFile(dir("jobs2") / r2.at(id)["model_file"].get<std::string>());
            QCOMPARE(m2["hyperparameters"]["threads"].get<int>(), 1);
            for (json* m : {&m1, &m2}) {
                (*m)["hyperparameters"].erase("threads");
                (*m)["certificate"].erase("threads");
            }
            QCOMPARE(m1.dump(), m2.dump());
            distinct.insert(rec["metrics"]["test"]["score"].get<double>());
        }
        QVERIFY2(distinct.size() >= 12, "seeds and settings give different models");
        // With two workers the plugin's intra-model threads are set to 1 (not part of the id); with one, untouched.
        for (const auto& [id, rec] : r2) QCOMPARE(rec["hyperparameters"]["threads"].get<int>(), 1);
        for (const auto& [id, rec] : r1) QCOMPARE(rec["hyperparameters"]["threads"].get<int>(), 0);
        // plan.json is stored beside the results and describes the same cells.
        const ExperimentPlan stored = readStoredPlan(dir("jobs2"));
        QCOMPARE(enumerateCells(stored).size(), std::size_t(18));
        QCOMPARE(enumerateCells(stored)[5].id, enumerateCells(plan)[5].id);
    }

    void epochProgressReachesTheObserver() {
        // Two workers, four cells of 6 epochs: each cell reports its own epochs 1…6 in order, as many as it ran.
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "lr"}, {"values", {0.01, 0.02}}}},
                                                      {{"fixed", {{"epochs", 6}}}, {"seeds", {0, 1}}}));
        std::atomic<bool> cancel{false};
        EpochLog log;
        const RunSummary s = runPlan(plan, host_, ext_, options(dir("epochs"), 2), cancel, &log);
        QCOMPARE(s.ok, 4);
        QCOMPARE(log.epochs.size(), std::size_t(4));
        for (const auto& [cell, epochs] : log.epochs) QCOMPARE(epochs, (std::vector<int>{1, 2, 3, 4, 5, 6}));
        for (const auto& [id, rec] : recordsIn(dir("epochs")))
            QCOMPARE(rec["training"]["epochs_run"].get<std::size_t>(), log.epochs.at(rec["index"].get<int>()).size());
    }

    void resumeAfterCancelSkipsFinishedCellsAndLosesNone() {
        // Slow cells (20 epochs × 15 ms): cancel after 3 finished, with others in flight.
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "lr"}, {"values", {0.01, 0.02, 0.03, 0.04, 0.05}}}},
                                                      {{"fixed", {{"epochs", 20}, {"delay_ms", 15}}}}));
        std::atomic<bool> cancel{false};
        CancelAfter stopper(cancel, 3);
        const RunSummary first = runPlan(plan, host_, ext_, options(dir("resume"), 2), cancel, &stopper);
        QVERIFY(first.cancelled);
        const int recorded = static_cast<int>(readJsonLines(resultsFile(dir("resume"))).size());
        QVERIFY2(recorded >= 3 && recorded < 10, qPrintable(QString::number(recorded)));
        QCOMPARE(recorded, first.progress.done);   // cells cut short are not recorded
        const auto before = recordsIn(dir("resume"));
        std::atomic<bool> noCancel{false};
        const RunSummary second = runPlan(plan, host_, ext_, options(dir("resume"), 2), noCancel);
        QCOMPARE(second.progress.skipped, recorded);
        QCOMPARE(second.progress.done, 10 - recorded);
        const auto lines = readJsonLines(resultsFile(dir("resume")));
        QCOMPARE(lines.size(), std::size_t(10));   // no cell twice, none lost
        const auto after = recordsIn(dir("resume"));
        QCOMPARE(after.size(), std::size_t(10));
        for (const auto& [id, rec] : before) QCOMPARE(after.at(id).dump(), rec.dump());   // finished cells were not re-run
        // A third run has nothing to do.
        const RunSummary third = runPlan(plan, host_, ext_, options(dir("resume"), 2), noCancel);
        QCOMPARE(third.progress.done, 0);
        QCOMPARE(third.progress.skipped, 10);
    }

    void failedAndNanCellsAreRecordedWhileTheRestComplete() {
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "mode"}, {"values", {"ok", "nan", "throw"}}}, {{"key", "lr"}, {"values", {0.05, 0.1}}}}));
        std::atomic<bool> cancel{false};
        const RunSummary s = runPlan(plan, host_, ext_, options(dir("failures"), 2), cancel);
        QCOMPARE(s.progress.done, 12);
        QCOMPARE(s.ok, 4);
        QCOMPARE(s.nan, 4);
        QCOMPARE(s.failed, 4);
        for (const auto& [id, r] : recordsIn(dir("failures"))) {
            const std::string mode = r["hyperparameters"]["mode"];
            if (mode == "ok") {
                QCOMPARE(r["status"].get<std::string>(), std::string("ok"));
                QVERIFY(r["metrics"]["test"]["score"].is_number());
            } else if (mode == "nan") {
                // Training stopped on NaN with the last good parameters: still evaluated and saved.
                QCOMPARE(r["status"].get<std::string>(), std::string("nan"));
                QCOMPARE(r["training"]["status"].get<std::string>(), std::string("stopped_on_nan"));
                QVERIFY(r["training"]["message"].get<std::string>().find("NaN") != std::string::npos);
                QVERIFY(r["metrics"]["test"]["score"].is_number());
                QVERIFY(fs::exists(dir("failures") / r["model_file"].get<std::string>()));
            } else {
                QCOMPARE(r["status"].get<std::string>(), std::string("failed"));
                QVERIFY(r["error"].get<std::string>().find("deliberate training failure") != std::string::npos);
                QVERIFY(r["model_file"].is_null());
            }
        }
        // Failed cells are not retried by default; with retryFailed the failed and NaN ones run again.
        QCOMPARE(runPlan(plan, host_, ext_, options(dir("failures"), 2), cancel).progress.done, 0);
        RunOptions retry = options(dir("failures"), 2);
        retry.retryFailed = true;
        QCOMPARE(runPlan(plan, host_, ext_, retry, cancel).progress.done, 8);
    }

    void datasetThatCannotBeOpenedFailsItsCellsOnly() {
        const ExperimentPlan plan = parse(fixturePlan({}, {{"datasets", {{{"name", "good"}, {"generate", "quadratic"}}, {{"name", "missing"}, {"file", "/no/such/file.json"}}}}}));
        std::atomic<bool> cancel{false};
        const RunSummary s = runPlan(plan, host_, ext_, options(dir("missing-data"), 2), cancel);
        QCOMPARE(s.ok, 2);
        QCOMPARE(s.failed, 2);
        for (const auto& [id, r] : recordsIn(dir("missing-data")))
            if (r["dataset"] == "missing") QVERIFY(r["error"].get<std::string>().find("/no/such/file.json") != std::string::npos);
    }

    void appendIsLineAtomicAndTornTailsAreDropped() {
        const fs::path file = dir("torn.jsonl");
        appendJsonLine(file, {{"id", "a"}, {"n", 1}});
        {   // a crash in the middle of a line
            std::ofstream out(file, std::ios::app);
            out << "{\"id\": \"b\", \"n\":";
        }
        int skipped = 0;
        QCOMPARE(readJsonLines(file, &skipped).size(), std::size_t(1));   // readers skip the torn tail
        QCOMPARE(skipped, 1);
        {   // killed just before the '\n': parseable, but never committed
            std::ofstream out(file, std::ios::trunc);
            out << "{\"id\": \"a\", \"n\": 1}\n{\"id\": \"b\", \"n\": 2}";
        }
        skipped = 0;
        QCOMPARE(readJsonLines(file, &skipped).size(), std::size_t(1));
        QCOMPARE(skipped, 1);
        appendJsonLine(file, {{"id", "c"}, {"n", 3}});   // cuts the torn tail off, then appends
        skipped = 0;
        const auto lines = readJsonLines(file, &skipped);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(skipped, 0);
        QCOMPARE(lines[0]["id"].get<std::string>(), std::string("a"));
        QCOMPARE(lines[1]["id"].get<std::string>(), std::string("c"));
        QCOMPARE(sd::readFile(file), std::string("{\"id\": \"a\", \"n\": 1}\n{\"id\":\"c\",\"n\":3}\n"));
        {   // a file that is only a torn line becomes empty before the append
            std::ofstream out(file, std::ios::trunc);
            out << "{\"id\": \"z";
        }
        appendJsonLine(file, {{"id", "d"}});
        QCOMPARE(sd::readFile(file), std::string("{\"id\":\"d\"}\n"));
        QCOMPARE(readJsonLines(dir("absent.jsonl")).size(), std::size_t(0));
    }

    void anOutputFolderHasOneRunAtATime() {
        fs::create_directories(dir("locked"));
        const RunLock lock(dir("locked"));
        const ExperimentPlan plan = parse(fixturePlan());
        std::atomic<bool> cancel{false};
        try {
            runPlan(plan, host_, ext_, options(dir("locked"), 1), cancel);
            QFAIL("a second run was allowed");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).find("another experiment run") != std::string::npos);
        }
    }

    void reportShowsSeedStatisticsAndMasksOnlyUndefinedValues() {
        // mode nan keeps a value (shown), lr = 10 overshoots to a diverging (undefined) prediction; the fixture's
        // certificate is unverified for a > 0 but the value is still shown.
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "lr"}, {"values", {0.05, 0.5}}}, {{"key", "target_scale"}, {"values", {-400.0, -1.0, 1.0, 400.0}}}},
                                                      {{"seeds", {0, 1, 2}}}));
        std::atomic<bool> cancel{false};
        runPlan(plan, host_, ext_, options(dir("report"), 2), cancel);
        const ResultTable table = loadResults(plan, dir("report"));
        QCOMPARE(table.groups().size(), std::size_t(8));
        QCOMPARE(table.headlineMetric(), std::string("test.score"));
        const CellGroup& fitted = table.groups()[2];   // lr 0.05, target_scale 1: seeds give different fits
        const SeedStatistic s = table.statistic(fitted, "test.score");
        QCOMPARE(s.n, 3);
        QVERIFY(std::isfinite(s.mean) && std::isfinite(s.std) && s.std > 0);
        // Manual check of the mean over the three seeds.
        double sum = 0;
        for (int c : fitted.cells) sum += table.value(c, "test.score");
        QVERIFY(std::abs(s.mean - sum / 3) < 1e-15);
        // target_scale ±400 → a = ±400 × the data's rate: one sign grows exponentially over the test horizon and
        // diverges (undefined, masked); with ±1 one sign has a > 0, an unverified certificate, and a value.
        int unverifiedShown = 0, masked = 0;
        const auto fig = heatMapFigure(table, "test.score", 0, 1, 0, {0, 0});
        QVERIFY(fig.heatMap);
        QCOMPARE(fig.heatMap->nx, 2);
        QCOMPARE(fig.heatMap->ny, 4);
        for (const auto& g : table.groups()) {
            const double v = fig.heatMap->at(g.coords[0], g.coords[1]);
            const bool verified = table.statistic(g, "certificate.verified").mean == 1.0;
            if (std::isfinite(v) && !verified) ++unverifiedShown;
            if (!std::isfinite(v)) {
                ++masked;
                QCOMPARE(fig.heatMap->maskText[static_cast<std::size_t>(g.coords[1] * 2 + g.coords[0])], std::string("diverged"));
            }
            QCOMPARE(std::isfinite(v), std::isfinite(table.statistic(g, "test.score").mean));
        }
        QVERIFY2(unverifiedShown > 0, "a cell with an unverified certificate keeps its value");
        QVERIFY2(masked > 0, "diverged cells are masked");
        const json summary = writeReport(table, dir("report") / "report");
        const std::string md = sd::readFile(dir("report") / "report" / "report.md");
        QVERIFY(md.find(" ± ") != std::string::npos);
        QVERIFY(md.find("**Best**") != std::string::npos);
        QVERIFY(md.find("## Masked cells") != std::string::npos);
        QVERIFY(md.find("| diverged |") != std::string::npos);
        QVERIFY(summary["plots"].size() >= 3);
        for (const auto& p : summary["plots"]) QVERIFY(sd::readFile(p.get<std::string>()).find("<svg") == 0);
        // The scatter plot against the observed sensitivity has a point per group with both values.
        const auto scatter = sensitivityScatterFigure(table, "test.score", table.sensitivityMetric());
        QCOMPARE(scatter.series.size(), std::size_t(1));
        QCOMPARE(static_cast<int>(scatter.series[0].x.size()), 8 - masked);
        // ± std over the seeds as error bars (three seeds per group here).
        QCOMPARE(scatter.series[0].yError.size(), scatter.series[0].x.size());
        QVERIFY(std::any_of(scatter.series[0].yError.begin(), scatter.series[0].yError.end(), [](double e) { return std::isfinite(e) && e > 0; }));
        const std::string svg = sd::analysis::renderSvg(scatter, 600, 400);
        QVERIFY(svg.find("stroke-width=\"1\"/><line") != std::string::npos);
    }

    void datasetSeedCanFollowTheCell() {
        // "seed": "cell": every seed gets its own generated data; seed 2 gets exactly the data of "seed": 2.
        const ExperimentPlan plan = parse(fixturePlan({}, {{"datasets", {{{"name", "per-seed"}, {"generate", "pendulum"}, {"params", pendulumParams()}, {"seed", "cell"}},
                                                                          {{"name", "fixed"}, {"generate", "pendulum"}, {"params", pendulumParams()}, {"seed", 2}}}},
                                                           {"seeds", {1, 2}}}));
        QVERIFY(plan.datasets[0].seedFollowsCell());
        QVERIFY(!plan.datasets[1].seedFollowsCell());
        std::atomic<bool> cancel{false};
        const RunSummary s = runPlan(plan, host_, ext_, options(dir("cell-seeds"), 2), cancel);
        QCOMPARE(s.ok, 4);
        std::map<std::pair<std::string, std::uint64_t>, std::string> sha;
        for (const auto& [id, r] : recordsIn(dir("cell-seeds"))) sha[{r["dataset"].get<std::string>(), r["seed"].get<std::uint64_t>()}] = r["dataset_sha256"];
        QCOMPARE(sha.size(), std::size_t(4));
        const std::string perSeed1 = sha[std::make_pair(std::string("per-seed"), std::uint64_t{1})];
        const std::string perSeed2 = sha[std::make_pair(std::string("per-seed"), std::uint64_t{2})];
        const std::string fixed1 = sha[std::make_pair(std::string("fixed"), std::uint64_t{1})];
        const std::string fixed2 = sha[std::make_pair(std::string("fixed"), std::uint64_t{2})];
        QVERIFY(!perSeed1.empty() && perSeed1 != perSeed2);
        QCOMPARE(perSeed2, fixed2);
        QCOMPARE(fixed1, fixed2);
        // Anything else than a number or "cell" is refused, naming the key.
        try {
            parse(fixturePlan({}, {{"datasets", {{{"generate", "pendulum"}, {"seed", "each"}}}}}));
            QFAIL("a seed of \"each\" was accepted");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).find("datasets[0].seed") != std::string::npos);
        }
    }

    void slurmScriptAndCollect() {
        QCOMPARE(arraySpec({5, 0, 1, 2, 9, 7, 8}, 0), std::string("0-2,5,7-9"));
        QCOMPARE(arraySpec({3}, 4), std::string("3%4"));
        const ExperimentPlan plan = parse(fixturePlan({{{"key", "lr"}, {"values", {0.01, 0.05}}}}));
        SlurmOptions o;
        o.executable = "/opt/sd/bin/stabledyn";
        o.outputDir = dir("slurm");
        o.throttle = 2;
        o.time = "00:10:00";
        o.memory = "2G";
        o.partition = "debug";
        const std::string script = slurmArrayScript(plan, {0, 1, 3}, o);
        QVERIFY(script.find("#SBATCH --array=0-1,3%2\n") != std::string::npos);
        QVERIFY(script.find("#SBATCH --time=00:10:00\n") != std::string::npos);
        QVERIFY(script.find("#SBATCH --mem=2G\n") != std::string::npos);
        QVERIFY(script.find("#SBATCH --partition=debug\n") != std::string::npos);
        QVERIFY(script.find("'/opt/sd/bin/stabledyn' experiment run '" + o.outputDir.string() + "/plan.json' --out '" + o.outputDir.string() +
                            "' --cell \"$SLURM_ARRAY_TASK_ID\" --jobs 1 --part") != std::string::npos);
        o.time = "ten minutes";
        QVERIFY_THROWS_EXCEPTION(sd::Error, slurmArrayScript(plan, {0}, o));
        o.time = "10";
        QVERIFY_THROWS_EXCEPTION(sd::Error, slurmArrayScript(plan, {}, o));
        QCOMPARE(shellQuote("it's"), std::string("'it'\\''s'"));

        // Array tasks: one cell each into parts/, no lock; collect merges them in cell order.
        std::atomic<bool> cancel{false};
        for (int cell : {3, 1, 0, 2}) {
            RunOptions task = options(dir("slurm"), 1);
            task.onlyCells = {cell};
            task.resultsFile = dir("slurm") / "parts" / ("cell-" + std::to_string(cell) + ".jsonl");
            task.lockOutput = false;
            QCOMPARE(runPlan(plan, host_, ext_, task, cancel).progress.done, 1);
        }
        QCOMPARE(latestRecords(dir("slurm")).size(), std::size_t(4));
        const CollectSummary c = collectParts(dir("slurm"));
        QCOMPARE(c.files, 4);
        QCOMPARE(c.records, 4);
        const auto merged = readJsonLines(resultsFile(dir("slurm")));
        QCOMPARE(merged.size(), std::size_t(4));
        for (int i = 0; i < 4; ++i) QCOMPARE(merged[static_cast<std::size_t>(i)]["index"].get<int>(), i);
        QCOMPARE(collectParts(dir("slurm")).records, 4);   // idempotent
        // A task for a cell that is already recorded does nothing.
        RunOptions again = options(dir("slurm"), 1);
        again.onlyCells = {2};
        again.lockOutput = false;
        QCOMPARE(runPlan(plan, host_, ext_, again, cancel).progress.done, 0);
    }
};

QTEST_GUILESS_MAIN(TestExperimentRunner)
#include "test_experiment_runner.moc"
