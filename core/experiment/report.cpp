#include "core/experiment/report.h"

#include "core/analysis/svg_plot.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/result_store.h"
#include "core/experiment/sweep_figures.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace sd::experiment {

using nlohmann::json;

namespace {

std::string fmt(double v) {
    if (!std::isfinite(v)) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string cellText(const SeedStatistic& s) {
    if (s.n == 0) return "—";
    std::string t = fmt(s.mean);
    if (s.seeds > 1) t += std::isfinite(s.std) ? " ± " + fmt(s.std) : "";
    if (s.seeds > 1 && !s.complete()) t += " (" + std::to_string(s.n) + "/" + std::to_string(s.seeds) + ")";
    return t;
}

std::string fileSafe(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    return s;
}

std::string escapeCell(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out;
}

}  // namespace

std::string markdownReport(const ResultTable& table, const std::vector<std::string>& plotFiles) {
    const ExperimentPlan& plan = table.plan();
    const std::string metric = table.headlineMetric();
    std::ostringstream md;
    md << "# " << plan.name << "\n\n";
    if (!plan.description.empty()) md << plan.description << "\n\n";
    md << "Plugin `" << plan.plugin << "`; datasets:";
    for (const auto& d : plan.datasets) md << " `" << d.name << "`";
    md << "; axes:";
    if (plan.axes.empty()) md << " none";
    for (const auto& a : plan.axes) {
        md << " **" << a.name << "** (";
        for (std::size_t i = 0; i < a.values.size(); ++i) md << (i ? ", " : "") << a.values[i].label;
        md << ")";
    }
    md << "; seeds:";
    for (auto s : plan.seeds.values) md << " " << s;
    md << ".\n\n";
    const auto counts = table.statusCounts();
    md << "Cells: " << table.cells().size() << " — " << counts.at("ok") << " ok, " << counts.at("diverged") << " diverged, " << counts.at("nan")
       << " stopped on NaN, " << counts.at("failed") << " failed, " << counts.at("missing") << " not run";
    if (counts.at("stale")) md << " (" << counts.at("stale") << " records of cells no longer in the plan ignored)";
    md << ".\n\n";

    md << "Values are the mean ± sample standard deviation over the seeds; (n/N) when only n of N seeds have a value.\n\n";
    md << "| ";
    if (plan.datasets.size() > 1) md << "dataset | ";
    for (const auto& a : plan.axes) md << a.name << " | ";
    md << "**" << metricLabel(table, metric) << "** | ";
    for (const auto& c : plan.report.columns) md << metricLabel(table, c) << " | ";
    md << "verified | status |\n|";
    const std::size_t columns = (plan.datasets.size() > 1 ? 1 : 0) + plan.axes.size() + 1 + plan.report.columns.size() + 2;
    for (std::size_t i = 0; i < columns; ++i) md << "---|";
    md << "\n";
    const int best = table.bestGroup(metric);
    for (std::size_t gi = 0; gi < table.groups().size(); ++gi) {
        const CellGroup& g = table.groups()[gi];
        md << "| ";
        if (plan.datasets.size() > 1) md << plan.datasets[static_cast<std::size_t>(g.dataset)].name << " | ";
        for (std::size_t a = 0; a < plan.axes.size(); ++a) md << escapeCell(plan.axes[a].values[static_cast<std::size_t>(g.coords[a])].label) << " | ";
        const std::string main = cellText(table.statistic(g, metric));
        md << (static_cast<int>(gi) == best ? "**" + main + "**" : main) << " | ";
        for (const auto& c : plan.report.columns) md << cellText(table.statistic(g, c)) << " | ";
        int verified = 0, claims = 0, finished = 0;
        std::map<std::string, int> statuses;
        for (int c : g.cells)
            if (const json* r = table.record(c)) {
                ++finished;
                statuses[r->value("status", "?")]++;
                const json cert = r->value("certificate", json::object());
                claims += cert.value("claims_guarantee", false) ? 1 : 0;
                verified += cert.value("verified", false) ? 1 : 0;
            }
        md << (finished == 0 ? "—" : claims == 0 ? "no guarantee" : verified == finished ? "yes" : std::to_string(verified) + "/" + std::to_string(finished)) << " | ";
        std::string st;
        for (const auto& [k, n] : statuses) st += (st.empty() ? "" : ", ") + (g.cells.size() > 1 ? std::to_string(n) + " " : "") + k;
        md << (st.empty() ? "not run" : st) << " |\n";
    }
    md << "\n";
    if (best >= 0) {
        const SeedStatistic s = table.statistic(table.groups()[static_cast<std::size_t>(best)], metric);
        md << "**Best** (" << (plan.report.lowerIsBetter ? "lowest" : "highest") << " mean " << metricLabel(table, metric) << "): "
           << table.describe(table.groups()[static_cast<std::size_t>(best)]) << " — " << cellText(s) << ".\n\n";
    } else {
        md << "**Best**: no cell has a value of `" << metric << "`.\n\n";
    }
    std::ostringstream masked;
    int nMasked = 0;
    for (const auto& c : table.cells()) {
        const std::string why = table.missingReason(c.index, metric);
        if (why.empty() || why == "not run") continue;
        ++nMasked;
        const json* r = table.record(c.index);
        masked << "| " << c.index << " | " << escapeCell(c.describe(plan)) << " | " << why << " | "
               << escapeCell(r ? r->value("error", r->contains("training") ? (*r)["training"].value("message", "") : std::string()) : "") << " |\n";
    }
    if (nMasked) {
        md << "## Masked cells (" << nMasked << ")\n\nCells whose " << metricLabel(table, metric) << " is undefined:\n\n| cell | configuration | reason | error / training |\n|---|---|---|---|\n"
           << masked.str() << "\n";
    }
    if (!plotFiles.empty()) {
        md << "## Plots\n\n";
        for (const auto& f : plotFiles) md << "![" << f << "](" << f << ")\n\n";
    }
    return md.str();
}

json writeReport(const ResultTable& table, const std::filesystem::path& reportDir) {
    std::filesystem::create_directories(reportDir);
    const ExperimentPlan& plan = table.plan();
    const std::string metric = table.headlineMetric();
    std::vector<std::string> plots;
    auto save = [&](const std::string& name, const analysis::PlotModel& model) {
        if (!model.message.empty() && model.series.empty() && !model.heatMap) return;
        const std::string file = fileSafe(name) + ".svg";
        analysis::writeSvg(reportDir / file, model, 900, 520);
        plots.push_back(file);
    };
    // Metric vs each axis that varies (the first three).
    int drawn = 0;
    for (std::size_t a = 0; a < plan.axes.size() && drawn < 3; ++a) {
        if (plan.axes[a].values.size() < 2) continue;
        save(metric + "_vs_" + plan.axes[a].name, metricVsAxisFigure(table, metric, static_cast<int>(a)));
        ++drawn;
    }
    // Heat map over the first two varying axes, per dataset (other axes at their first value).
    std::vector<int> varying;
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        if (plan.axes[a].values.size() > 1) varying.push_back(static_cast<int>(a));
    if (varying.size() >= 2)
        for (std::size_t d = 0; d < plan.datasets.size() && d < 6; ++d)
            save("heatmap_" + plan.axes[static_cast<std::size_t>(varying[0])].name + "_" + plan.axes[static_cast<std::size_t>(varying[1])].name +
                     (plan.datasets.size() > 1 ? "_" + plan.datasets[d].name : ""),
                 heatMapFigure(table, metric, varying[0], varying[1], static_cast<int>(d), std::vector<int>(plan.axes.size(), 0)));
    const std::string sens = table.sensitivityMetric();
    bool anySensitivity = false;
    for (const auto& c : table.cells()) anySensitivity = anySensitivity || std::isfinite(table.value(c.index, sens));
    if (anySensitivity) save(metric + "_vs_sensitivity", sensitivityScatterFigure(table, metric, sens));

    writeFileAtomic(reportDir / "report.md", markdownReport(table, plots));
    json best = nullptr;
    if (const int b = table.bestGroup(metric); b >= 0) {
        const SeedStatistic s = table.statistic(table.groups()[static_cast<std::size_t>(b)], metric);
        best = {{"group", table.describe(table.groups()[static_cast<std::size_t>(b)])}, {"mean", s.mean}, {"seeds", s.n}};
        if (std::isfinite(s.std)) best["std"] = s.std;
    }
    json plotPaths = json::array();
    for (const auto& p : plots) plotPaths.push_back((reportDir / p).string());
    return {{"report", (reportDir / "report.md").string()}, {"plots", plotPaths}, {"counts", table.statusCounts()}, {"metric", metric}, {"best", best}};
}

ExperimentPlan readStoredPlan(const std::filesystem::path& outputDir) {
    const std::filesystem::path file = outputDir / "plan.json";
    if (!std::filesystem::exists(file)) throw Error(outputDir.string(), "no plan.json: not an experiment output folder (run `stabledyn experiment run` first)");
    ExperimentPlan plan = parsePlan(readFile(file), file.string(), outputDir);
    return plan;
}

ResultTable loadResults(const ExperimentPlan& plan, const std::filesystem::path& outputDir) {
    return ResultTable(plan, enumerateCells(plan), latestRecords(outputDir));
}

}  // namespace sd::experiment
