// `stabledyn experiment run|status|report|slurm|collect` — the experiment engine (core/experiment) on the
// command line, and the `study` aliases that run the papers' plans shipped under studies/.
// JSON on stdout; progress on stderr; Ctrl-C (or Slurm's SIGTERM) stops cleanly: running cells are
// abandoned and not recorded, so a re-run resumes them.
#include "cli_context.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/cell_execution.h"
#include "core/experiment/cells.h"
#include "core/experiment/local_runner.h"
#include "core/experiment/plan_check.h"
#include "core/experiment/report.h"
#include "core/experiment/result_store.h"
#include "core/experiment/slurm.h"
#include "experiment_overrides.h"
#include "studies/study_registry.h"

#include <QCoreApplication>
#include <QProcess>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <unistd.h>

namespace sd::cli {

using nlohmann::json;
namespace ex = sd::experiment;

namespace {

std::atomic<bool> gCancel{false};

extern "C" void onStopSignal(int) {
    if (gCancel.exchange(true)) _exit(130);   // second Ctrl-C: leave now
    const char msg[] = "\nstabledyn experiment: stopping — running cells are abandoned (Ctrl-C again to quit at once)\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
}

void installStopHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// Progress lines on stderr: one per finished cell, and for a cell still training, at most one a minute with its
// epoch, loss and the training time left at its current pace (paper-size cells train for hours).
class StderrProgress : public ex::RunObserver {
public:
    StderrProgress(const ex::ExperimentPlan& plan, bool quiet) : plan_(plan), quiet_(quiet) {}
    void cellEpoch(const ex::Cell& cell, const model::TrainEvent& e) override {
        double& last = lastEpochLine_[cell.index];
        if (quiet_ || e.elapsedSeconds - last < kEpochLineSeconds) return;
        last = e.elapsedSeconds;
        const double left = e.epoch > 0 ? e.elapsedSeconds / e.epoch * (e.totalEpochs - e.epoch) : 0.0;
        char buf[160];
        std::snprintf(buf, sizeof buf, "epoch %d/%d, train loss %.4g, %.1f s/epoch, about %.0f min of training left", e.epoch,
                      e.totalEpochs, e.trainLoss, e.epoch > 0 ? e.elapsedSeconds / e.epoch : 0.0, left / 60.0);
        std::cerr << "  cell " << cell.index << " (" << cell.describe(plan_) << "): " << buf << std::endl;
    }
    void cellFinished(const ex::Cell& cell, const json& r, const ex::Progress& p) override {
        if (quiet_) return;
        std::string what = r.value("status", "?");
        const std::string metric = plan_.metrics.empty() ? "" : plan_.metrics.front().name;
        if (r.contains("metrics") && r["metrics"].contains(metric) && r["metrics"][metric].contains("score") && r["metrics"][metric]["score"].is_number()) {
            char buf[64];
            std::snprintf(buf, sizeof buf, ", %s %.4g", metric.c_str(), r["metrics"][metric]["score"].get<double>());
            what += buf;
        }
        if (r.contains("error")) what += ": " + r["error"].get<std::string>().substr(0, 200);
        char secs[32] = "";
        if (r.contains("timings")) std::snprintf(secs, sizeof secs, " (%.1f s)", r["timings"].value("total_seconds", 0.0));
        std::cerr << "[" << p.text() << "] cell " << cell.index << " (" << cell.describe(plan_) << "): " << what << secs << std::endl;
    }

private:
    static constexpr double kEpochLineSeconds = 60.0;
    const ex::ExperimentPlan& plan_;
    bool quiet_;
    std::map<int, double> lastEpochLine_;   // cell index → training seconds at its last epoch line
};

std::vector<OptionSpec> runOptions() {
    auto specs = planOverrideOptions();
    specs.insert(specs.end(), {{"jobs", true, false, "worker threads (default: number of cores)"},
                               {"retry-failed", false, false, "also re-run failed cells"},
                               {"cell", true, true, "run only this cell index (repeatable)"},
                               {"part", false, false, "write to <out>/parts/cell-<i>.jsonl (Slurm array tasks)"},
                               {"quiet", false, false, "no per-cell progress lines"},
                               {"plugin-dir", true, true, "extra plugin folder (repeatable)"}});
    return specs;
}

ex::ExperimentPlan loadPlan(const std::string& path, const Args& args) {
    ex::ExperimentPlan plan = ex::readPlanFile(path);
    applyPlanOverrides(plan, args);
    return plan;
}

std::filesystem::path outputOf(const ex::ExperimentPlan& plan) {
    if (plan.output.empty()) throw Error(plan.source, "no output folder: give --out DIR (or \"output\" in the plan)");
    return std::filesystem::absolute(plan.output).lexically_normal();
}

ex::Extensions extensions() {
    ex::Extensions e = ex::Extensions::builtins();
    studies::registerStudies(e);
    return e;
}

json summaryJson(const ex::ExperimentPlan& plan, const std::filesystem::path& out, const ex::RunSummary& s) {
    return {{"plan", plan.name}, {"output", out.string()}, {"cells", s.progress.total}, {"skipped", s.progress.skipped},
            {"ran", s.progress.done}, {"ok", s.ok}, {"failed", s.failed}, {"nan", s.nan}, {"diverged", s.diverged},
            {"remaining", s.progress.remaining()}, {"cancelled", s.cancelled}, {"jobs", s.jobs}, {"seconds", s.progress.elapsedSeconds}};
}

// Runs a plan; returns the summary (and sets `cancelled`).
json runAndSummarise(ex::ExperimentPlan& plan, const Args& args, const model::PluginHost& host, const ex::Extensions& ext, bool& cancelled) {
    ex::RunOptions options;
    options.outputDir = outputOf(plan);
    options.jobs = static_cast<int>(args.getInt("jobs", 0));
    if (options.jobs < 0) throw Error("option --jobs", "must be ≥ 1 (or 0 = number of cores)");
    options.retryFailed = args.has("retry-failed");
    for (const auto& c : args.all("cell")) {
        char* end = nullptr;
        const long v = std::strtol(c.c_str(), &end, 10);
        if (*end || c.empty()) throw Error("option --cell", "expected a cell index, found '" + c + "'");
        options.onlyCells.push_back(static_cast<int>(v));
    }
    if (args.has("part")) {
        if (options.onlyCells.size() != 1) throw Error("option --part", "needs exactly one --cell");
        options.resultsFile = options.outputDir / "parts" / ("cell-" + std::to_string(options.onlyCells.front()) + ".jsonl");
        options.lockOutput = false;
    }
    installStopHandlers();
    StderrProgress progress(plan, args.has("quiet"));
    const std::size_t cells = plan.cellCount();
    std::cerr << "experiment " << plan.name << ": " << (options.onlyCells.empty() ? "" : std::to_string(options.onlyCells.size()) + " of ") << cells
              << " cells (" << plan.plugin << "), output " << options.outputDir.string() << std::endl;
    const ex::RunSummary s = ex::runPlan(plan, host, ext, options, gCancel, &progress);
    std::cerr << "experiment " << plan.name << ": " << s.progress.text() << (s.cancelled ? " — stopped" : "") << " in "
              << ex::formatDuration(s.progress.elapsedSeconds) << " on " << s.jobs << " worker(s)" << std::endl;
    cancelled = s.cancelled;
    return summaryJson(plan, options.outputDir, s);
}

int runCommand(int argc, char** argv) {
    const Args args(argc, argv, 3, runOptions());
    if (args.positional().size() != 1) throw Error("experiment run", "expects one plan file");
    ex::ExperimentPlan plan = loadPlan(args.positional()[0], args);
    model::PluginHost host;
    scanPlugins(host, args);
    const ex::Extensions ext = extensions();
    bool cancelled = false;
    printJson(runAndSummarise(plan, args, host, ext, cancelled));
    return cancelled ? 3 : 0;
}

// A plan file (with --out) or an output folder.
ex::ExperimentPlan planOf(const std::string& target, const Args& args, std::filesystem::path& out) {
    if (std::filesystem::is_directory(target)) {
        out = std::filesystem::absolute(target).lexically_normal();
        return ex::readStoredPlan(out);
    }
    ex::ExperimentPlan plan = loadPlan(target, args);
    out = outputOf(plan);
    return plan;
}

int statusCommand(int argc, char** argv) {
    auto specs = planOverrideOptions();
    specs.push_back({"plugin-dir", true, true, ""});
    const Args args(argc, argv, 3, specs);
    if (args.positional().size() != 1) throw Error("experiment status", "expects an output folder or a plan file");
    std::filesystem::path out;
    const ex::ExperimentPlan plan = planOf(args.positional()[0], args, out);
    int skipped = 0;
    const ex::ResultTable table(plan, ex::enumerateCells(plan), ex::latestRecords(out, &skipped));
    const auto counts = table.statusCounts();
    json pending = json::array();
    for (const auto& c : table.cells())
        if (!table.record(c.index) && pending.size() < 50) pending.push_back({{"cell", c.index}, {"id", c.id}, {"configuration", c.describe(plan)}});
    int parts = 0;
    if (std::filesystem::is_directory(out / "parts"))
        for (const auto& e : std::filesystem::directory_iterator(out / "parts")) parts += e.path().extension() == ".jsonl" ? 1 : 0;
    const int total = static_cast<int>(table.cells().size());
    std::cerr << plan.name << ": " << (total - counts.at("missing")) << "/" << total << " cells done (" << counts.at("ok") << " ok, "
              << counts.at("failed") << " failed, " << counts.at("nan") << " NaN, " << counts.at("diverged") << " diverged)" << std::endl;
    printJson({{"plan", plan.name}, {"output", out.string()}, {"cells", total}, {"counts", counts}, {"done", total - counts.at("missing")},
               {"unreadable_lines", skipped}, {"slurm_parts", parts}, {"pending_first_50", pending}});
    return 0;
}

json reportInto(const ex::ExperimentPlan& plan, const std::filesystem::path& out, const std::filesystem::path& reportDir, const model::PluginHost& host,
                const ex::Extensions& ext) {
    const ex::ResultTable table = ex::loadResults(plan, out);
    json summary = ex::writeReport(table, reportDir);
    if (!plan.report.study.empty()) {
        const ex::StudyReport* study = ext.studyReport(plan.report.study);
        if (!study) throw Error(plan.source + ".report.study", "unknown study report '" + plan.report.study + "'");
        summary["study"] = (*study)({table, out, reportDir, &host, &ext});
    }
    return summary;
}

int reportCommand(int argc, char** argv) {
    const Args args(argc, argv, 3, {{"to", true, false, "report folder (default <out>/report)"}, {"plugin-dir", true, true, ""}});
    if (args.positional().size() != 1) throw Error("experiment report", "expects an output folder");
    const std::filesystem::path out = std::filesystem::absolute(args.positional()[0]).lexically_normal();
    const ex::ExperimentPlan plan = ex::readStoredPlan(out);
    model::PluginHost host;
    scanPlugins(host, args);
    const ex::Extensions ext = extensions();
    printJson(reportInto(plan, out, args.has("to") ? std::filesystem::path(args.get("to")) : out / "report", host, ext));
    return 0;
}

int slurmCommand(int argc, char** argv) {
    auto specs = planOverrideOptions();
    specs.insert(specs.end(), {{"throttle", true, false, "at most N array tasks at once"}, {"time", true, false, "time limit per task"},
                               {"mem", true, false, "memory per task"}, {"cpus-per-task", true, false, ""}, {"partition", true, false, ""},
                               {"account", true, false, ""}, {"qos", true, false, ""}, {"sbatch", true, true, "extra #SBATCH line"},
                               {"submit", false, false, "submit with sbatch and print the job id"}, {"retry-failed", false, false, ""},
                               {"plugin-dir", true, true, ""}});
    const Args args(argc, argv, 3, specs);
    if (args.positional().size() != 1) throw Error("experiment slurm", "expects one plan file");
    ex::ExperimentPlan plan = loadPlan(args.positional()[0], args);
    const std::filesystem::path out = outputOf(plan);
    model::PluginHost host;
    scanPlugins(host, args);
    const ex::Extensions ext = extensions();
    const std::vector<ex::Cell> cells = ex::checkPlan(plan, host, ext);   // fail here, not in 1000 array tasks
    std::filesystem::create_directories(out / "slurm");
    std::filesystem::create_directories(out / "parts");
    std::filesystem::create_directories(out / "models");
    writeFileAtomic(out / "plan.json", ex::planToJson(plan).dump(2) + "\n");
    std::vector<int> pending;
    for (const ex::Cell* c : ex::pendingCells(cells, out, args.has("retry-failed"))) pending.push_back(c->index);
    ex::SlurmOptions o;
    o.executable = std::filesystem::canonical(QCoreApplication::applicationFilePath().toStdString());
    o.outputDir = out;
    o.throttle = static_cast<int>(args.getInt("throttle", 0));
    o.time = args.get("time", o.time);
    o.memory = args.get("mem", o.memory);
    o.cpusPerTask = static_cast<int>(args.getInt("cpus-per-task", 1));
    o.partition = args.get("partition");
    o.account = args.get("account");
    o.qos = args.get("qos");
    o.extraSbatch = args.all("sbatch");
    for (const auto& d : args.all("plugin-dir")) o.pluginDirs.push_back(std::filesystem::absolute(d).string());
    json result = {{"plan", plan.name}, {"output", out.string()}, {"cells", cells.size()}, {"pending", pending.size()}};
    if (pending.empty()) {
        std::cerr << "experiment slurm: every cell already has a result; nothing to submit" << std::endl;
        printJson(result);
        return 0;
    }
    const std::filesystem::path script = out / "experiment.sbatch";
    writeFileAtomic(script, ex::slurmArrayScript(plan, pending, o));
    std::filesystem::permissions(script, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    result["script"] = script.string();
    result["array"] = ex::arraySpec(pending, o.throttle);
    if (args.has("submit")) {
        QProcess sbatch;
        sbatch.start("sbatch", {"--parsable", QString::fromStdString(script.string())});
        if (!sbatch.waitForFinished(120000) || sbatch.exitStatus() != QProcess::NormalExit || sbatch.exitCode() != 0)
            throw Error("sbatch", "submission failed: " + QString::fromUtf8(sbatch.readAllStandardError()).trimmed().toStdString() +
                                      (sbatch.error() == QProcess::FailedToStart ? " (is Slurm installed? sbatch was not found)" : ""));
        const std::string id = QString::fromUtf8(sbatch.readAllStandardOutput()).trimmed().section(';', 0, 0).toStdString();
        result["job_id"] = id;
        ex::appendJsonLine(out / "slurm" / "jobs.jsonl", {{"job_id", id}, {"array", result["array"]}, {"submitted_at", ex::utcTimestamp()}});
        std::cerr << "experiment slurm: submitted job " << id << " (" << pending.size() << " array tasks)" << std::endl;
    }
    printJson(result);
    return 0;
}

int collectCommand(int argc, char** argv) {
    const Args args(argc, argv, 3, {});
    if (args.positional().size() != 1) throw Error("experiment collect", "expects an output folder");
    const std::filesystem::path out = std::filesystem::absolute(args.positional()[0]).lexically_normal();
    const ex::ExperimentPlan plan = ex::readStoredPlan(out);
    const ex::CollectSummary s = ex::collectParts(out);
    const ex::ResultTable table = ex::loadResults(plan, out);
    const auto counts = table.statusCounts();
    printJson({{"plan", plan.name}, {"output", out.string()}, {"part_files", s.files}, {"records", s.records}, {"unreadable_lines", s.skipped},
               {"cells", table.cells().size()}, {"counts", counts}});
    return 0;
}

}  // namespace

int runExperiment(int argc, char** argv) {
    const std::string sub = argc > 2 ? argv[2] : "";
    if (sub == "run") return runCommand(argc, argv);
    if (sub == "status") return statusCommand(argc, argv);
    if (sub == "report") return reportCommand(argc, argv);
    if (sub == "slurm") return slurmCommand(argc, argv);
    if (sub == "collect") return collectCommand(argc, argv);
    throw Error("stabledyn experiment", "unknown subcommand '" + sub + "' (run, status, report, slurm, collect)");
}

int runStudyAlias(int argc, char** argv) {
    const std::string name = argc > 2 ? argv[2] : "";
    const studies::StudyAlias* alias = studies::findStudyAlias(name);
    if (!alias) return -1;
    auto specs = runOptions();
    specs.push_back({"report-to", true, false, "report folder (default <out>/report)"});
    const Args args(argc, argv, 3, specs);
    if (!args.positional().empty()) throw Error("study " + name, "unexpected argument '" + args.positional()[0] + "'");
    ex::ExperimentPlan plan = ex::readPlanFile(studies::studiesDirectory() / alias->plan);
    if (plan.output.empty()) plan.output = "runs/" + plan.name;
    applyPlanOverrides(plan, args);
    model::PluginHost host;
    scanPlugins(host, args);
    const ex::Extensions ext = extensions();
    bool cancelled = false;
    const json run = runAndSummarise(plan, args, host, ext, cancelled);
    if (cancelled) {
        printJson(run);
        return 3;
    }
    const std::filesystem::path out = outputOf(plan);
    json report = reportInto(plan, out, args.has("report-to") ? std::filesystem::path(args.get("report-to")) : out / "report", host, ext);
    // The study's own document is what the alias prints (the papers' tables); the run summary goes with it.
    json doc = report.contains("study") ? report["study"] : report;
    if (doc.is_object()) {
        doc["experiment"] = run;
        doc["report"] = report["report"];
    }
    printJson(doc);
    return 0;
}

}  // namespace sd::cli
