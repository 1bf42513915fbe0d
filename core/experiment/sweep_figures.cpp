#include "core/experiment/sweep_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sd::experiment {

using analysis::HeatMap;
using analysis::MarkerShape;
using analysis::PlotMark;
using analysis::PlotModel;
using analysis::PlotSeries;
using nlohmann::json;

namespace {

std::string shortNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// Values drawn evenly spaced with their labels: non-numeric axes, and numeric ones that mix zero (or
// negative values) with positive values spanning decades (0, 1e-8, …, 100), which no linear or log scale shows.
bool categorical(const Axis& axis) {
    if (!axis.numeric()) return true;
    double lo = INFINITY, hi = 0;
    bool nonPositive = false;
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
        const double v = axis.number(i);
        if (v <= 0) nonPositive = true;
        else {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    return nonPositive && std::isfinite(lo) && hi / lo > 100.0;
}


void setupValueAxis(analysis::PlotAxis& pa, const Axis& axis) {
    pa.label = axis.name;
    if (!categorical(axis)) {
        bool positive = true;
        for (std::size_t i = 0; i < axis.values.size(); ++i) positive = positive && axis.number(i) > 0;
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = 0; i < axis.values.size(); ++i) {
            lo = std::min(lo, axis.number(i));
            hi = std::max(hi, axis.number(i));
        }
        pa.log = positive && (axis.log || hi / lo > 100.0);
        if (pa.log) {
            pa.min = lo / 1.5;
            pa.max = hi * 1.5;
        } else {
            const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(std::abs(hi), 1e-3) * 0.5;
            pa.min = lo - pad;
            pa.max = hi + pad;
        }
    } else {
        for (std::size_t i = 0; i < axis.values.size(); ++i) pa.ticks.push_back({double(i), axis.values[i].label});
        pa.min = -0.5;
        pa.max = double(axis.values.size()) - 0.5;
    }
}

std::string describeOthers(const ResultTable& t, const CellGroup& g, int skipAxis, int skipAxis2 = -1) {
    const ExperimentPlan& plan = t.plan();
    std::string s;
    if (plan.datasets.size() > 1) s = plan.datasets[static_cast<std::size_t>(g.dataset)].name;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) {
        if (static_cast<int>(a) == skipAxis || static_cast<int>(a) == skipAxis2 || plan.axes[a].values.size() < 2) continue;
        s += (s.empty() ? "" : ", ") + plan.axes[a].name + "=" + plan.axes[a].values[static_cast<std::size_t>(g.coords[a])].label;
    }
    return s;
}

bool allPositive(const std::vector<double>& v) {
    bool any = false;
    for (double x : v)
        if (std::isfinite(x)) {
            if (x <= 0) return false;
            any = true;
        }
    return any;
}

}  // namespace

double axisPlotPosition(const Axis& axis, std::size_t i) { return categorical(axis) ? double(i) : axis.number(i); }

std::string seriesColor(int index) {
    static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return kColors[static_cast<std::size_t>(index) % 10];
}

std::string metricLabel(const ResultTable& table, const std::string& path) {
    const auto dot = path.find('.');
    const std::string head = path.substr(0, dot), tail = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (tail == "score") {
        for (const auto& c : table.cells())
            if (const json* r = table.record(c.index); r && r->contains("metrics") && (*r)["metrics"].contains(head)) {
                const json& m = (*r)["metrics"][head];
                if (m.contains("score_kind")) return m.value("split", head) + " " + m["score_kind"].get<std::string>();
            }
    }
    return path;
}

PlotModel metricVsAxisFigure(const ResultTable& table, const std::string& metric, int axisIndex, int dataset) {
    const ExperimentPlan& plan = table.plan();
    const Axis& axis = plan.axes.at(static_cast<std::size_t>(axisIndex));
    PlotModel m;
    m.title = metricLabel(table, metric) + " vs " + axis.name;
    setupValueAxis(m.x, axis);
    m.y.label = metricLabel(table, metric);
    // Lines: groups sharing everything but this axis.
    std::map<std::string, std::vector<const CellGroup*>> lines;
    std::vector<std::string> order;
    for (const auto& g : table.groups()) {
        if (dataset >= 0 && g.dataset != dataset) continue;
        const std::string key = describeOthers(table, g, axisIndex);
        if (!lines.count(key)) order.push_back(key);
        lines[key].push_back(&g);
    }
    if (order.size() > 10) order.resize(10);   // beyond ten lines a plot is unreadable; the table has them all
    std::vector<double> allY;
    std::map<double, std::string> unmarked;    // x → reason, where no line has a value
    std::map<double, bool> anyValue;
    const std::string sens = table.sensitivityMetric();
    for (std::size_t li = 0; li < order.size(); ++li) {
        PlotSeries s;
        s.label = order[li].empty() ? metricLabel(table, metric) : order[li];
        s.color = seriesColor(static_cast<int>(li));
        std::vector<const CellGroup*> groups = lines[order[li]];
        std::sort(groups.begin(), groups.end(), [&](const CellGroup* a, const CellGroup* b) {
            return axisPlotPosition(axis, static_cast<std::size_t>(a->coords[axisIndex])) < axisPlotPosition(axis, static_cast<std::size_t>(b->coords[axisIndex]));
        });
        bool anyErr = false;
        for (const CellGroup* g : groups) {
            const double x = axisPlotPosition(axis, static_cast<std::size_t>(g->coords[axisIndex]));
            const SeedStatistic st = table.statistic(*g, metric);
            s.x.push_back(x);
            s.y.push_back(st.mean);
            s.yError.push_back(st.std);
            anyErr = anyErr || std::isfinite(st.std);
            allY.push_back(st.mean);
            if (std::isfinite(st.mean)) anyValue[x] = true;
            else if (!unmarked.count(x)) unmarked[x] = table.missingReason(*g, metric);
        }
        if (!anyErr) s.yError.clear();
        m.series.push_back(std::move(s));
    }
    for (const auto& [x, why] : unmarked)
        if (!anyValue.count(x)) m.marks.push_back(PlotMark{x, 0.93, true, "×\n" + why});
    m.y.log = plan.report.logScale && allPositive(allY);
    if (order.size() == 1) {
        // One line: the observed sensitivity (ren's measured incremental gain) and its bound on the right axis.
        PlotSeries sensitivity, bound;
        sensitivity.label = "observed sensitivity";
        sensitivity.color = seriesColor(1);
        sensitivity.dashed = true;
        sensitivity.marker = MarkerShape::Triangle;
        sensitivity.rightAxis = true;
        bound.label = "guaranteed bound";
        bound.color = "#787878";
        bound.dashed = true;
        bound.marker = MarkerShape::None;
        bound.rightAxis = true;
        std::vector<double> ys;
        for (std::size_t i = 0; i < m.series[0].x.size(); ++i) {
            const CellGroup* g = nullptr;
            for (const CellGroup* c : lines[order[0]])
                if (axisPlotPosition(axis, static_cast<std::size_t>(c->coords[axisIndex])) == m.series[0].x[i]) g = c;
            const double sv = table.statistic(*g, sens).mean, bv = table.statistic(*g, "certificate.bound").mean;
            if (std::isfinite(sv)) {
                sensitivity.x.push_back(m.series[0].x[i]);
                sensitivity.y.push_back(sv);
                ys.push_back(sv);
            }
            if (std::isfinite(bv)) {
                bound.x.push_back(m.series[0].x[i]);
                bound.y.push_back(bv);
                ys.push_back(bv);
            }
        }
        if (!sensitivity.x.empty()) {
            m.y2.label = "observed sensitivity";
            m.y2.log = allPositive(ys);
            m.series.push_back(std::move(sensitivity));
            if (!bound.x.empty()) m.series.push_back(std::move(bound));
        }
    }
    if (std::none_of(allY.begin(), allY.end(), [](double v) { return std::isfinite(v); })) m.message = "no cell has a value of " + metric + " yet";
    return m;
}

PlotModel heatMapFigure(const ResultTable& table, const std::string& metric, int axisX, int axisY, int dataset, const std::vector<int>& fixedCoords) {
    const ExperimentPlan& plan = table.plan();
    const Axis& ax = plan.axes.at(static_cast<std::size_t>(axisX));
    const Axis& ay = plan.axes.at(static_cast<std::size_t>(axisY));
    PlotModel m;
    m.legend = false;
    m.x.label = ax.name;
    m.y.label = ay.name;
    for (std::size_t i = 0; i < ax.values.size(); ++i) m.x.ticks.push_back({double(i), ax.values[i].label});
    for (std::size_t j = 0; j < ay.values.size(); ++j) m.y.ticks.push_back({double(j), ay.values[j].label});
    HeatMap h;
    h.nx = static_cast<int>(ax.values.size());
    h.ny = static_cast<int>(ay.values.size());
    const std::size_t n = static_cast<std::size_t>(h.nx * h.ny);
    h.values.assign(n, std::nan(""));
    h.cellText.assign(n, "");
    h.maskText.assign(n, "not run");
    h.colorLabel = metricLabel(table, metric);
    for (const auto& g : table.groups()) {
        if (g.dataset != dataset) continue;
        bool match = true;
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (static_cast<int>(a) != axisX && static_cast<int>(a) != axisY && a < fixedCoords.size() && g.coords[a] != fixedCoords[a]) match = false;
        if (!match) continue;
        const std::size_t k = static_cast<std::size_t>(g.coords[axisY] * h.nx + g.coords[axisX]);
        const SeedStatistic st = table.statistic(g, metric);
        h.values[k] = st.mean;
        if (std::isfinite(st.mean)) {
            h.cellText[k] = shortNumber(st.mean) + (st.seeds > 1 && !st.complete() ? "*" : "");
            h.maskText[k] = "";
        } else {
            h.maskText[k] = table.missingReason(g, metric);
        }
    }
    h.logColor = plan.report.logScale && allPositive(h.values);
    std::string title = h.colorLabel + " over " + ax.name + " × " + ay.name;
    std::string where = plan.datasets.size() > 1 ? plan.datasets[static_cast<std::size_t>(dataset)].name : "";
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        if (static_cast<int>(a) != axisX && static_cast<int>(a) != axisY && plan.axes[a].values.size() > 1 && a < fixedCoords.size())
            where += (where.empty() ? "" : ", ") + plan.axes[a].name + "=" + plan.axes[a].values[static_cast<std::size_t>(fixedCoords[a])].label;
    m.title = where.empty() ? title : title + " (" + where + ")";
    if (std::none_of(h.values.begin(), h.values.end(), [](double v) { return std::isfinite(v); }) && table.statusCounts().at("missing") == static_cast<int>(table.cells().size()))
        m.message = "no cell has finished yet";
    m.heatMap = std::move(h);
    return m;
}

PlotModel sensitivityScatterFigure(const ResultTable& table, const std::string& metric, const std::string& sensitivity) {
    const ExperimentPlan& plan = table.plan();
    PlotModel m;
    m.title = metricLabel(table, metric) + " vs observed sensitivity";
    m.x.label = sensitivity == "certificate.observed_sensitivity" ? "observed sensitivity" : sensitivity;
    m.y.label = metricLabel(table, metric);
    std::vector<double> xs, ys;
    for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
        PlotSeries s;
        s.label = plan.datasets[d].name;
        s.color = seriesColor(static_cast<int>(d));
        s.line = false;
        for (const auto& g : table.groups()) {
            if (g.dataset != static_cast<int>(d)) continue;
            const SeedStatistic sx = table.statistic(g, sensitivity), sy = table.statistic(g, metric);
            const double x = sx.mean, y = sy.mean;
            if (!std::isfinite(x) || !std::isfinite(y)) continue;
            s.x.push_back(x);
            s.y.push_back(y);
            s.xError.push_back(sx.std);   // ± one std over the seeds (NaN with one seed: no bar)
            s.yError.push_back(sy.std);
            std::string label;
            for (std::size_t a = 0; a < plan.axes.size(); ++a)
                if (plan.axes[a].values.size() > 1) label += (label.empty() ? "" : ", ") + plan.axes[a].values[static_cast<std::size_t>(g.coords[a])].label;
            s.pointLabels.push_back(label);
            xs.push_back(x);
            ys.push_back(y);
        }
        s.dropAbsentErrorBars();
        if (!s.x.empty()) m.series.push_back(std::move(s));
    }
    m.x.log = allPositive(xs) && !xs.empty() && *std::max_element(xs.begin(), xs.end()) / *std::min_element(xs.begin(), xs.end()) > 100;
    m.y.log = plan.report.logScale && allPositive(ys) && *std::max_element(ys.begin(), ys.end()) / *std::min_element(ys.begin(), ys.end()) > 100;
    if (xs.empty()) m.message = "no cell has both " + metric + " and " + sensitivity;
    return m;
}

}  // namespace sd::experiment
