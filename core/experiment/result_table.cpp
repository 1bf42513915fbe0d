#include "core/experiment/result_table.h"

#include <cmath>
#include <set>
#include <sstream>

namespace sd::experiment {

using nlohmann::json;

namespace {

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> parts;
    std::stringstream ss(path);
    std::string p;
    while (std::getline(ss, p, '.'))
        if (!p.empty()) parts.push_back(p);
    return parts;
}

const json* lookup(const json& record, const std::string& path) {
    const auto parts = splitPath(path);
    if (parts.empty()) return nullptr;
    const json* node = &record;
    std::size_t k = 0;
    if (parts[0] == "certificate" || parts[0] == "training" || parts[0] == "timings" || parts[0] == "metrics") {
        if (!record.contains(parts[0])) return nullptr;
        node = &record[parts[0]];
        k = 1;
    } else {
        if (!record.contains("metrics")) return nullptr;
        node = &record["metrics"];
    }
    for (; k < parts.size(); ++k) {
        if (node->is_object() && node->contains(parts[k])) node = &(*node)[parts[k]];
        else if (node->is_array()) {
            char* end = nullptr;
            const long idx = std::strtol(parts[k].c_str(), &end, 10);
            if (*end || idx < 0 || static_cast<std::size_t>(idx) >= node->size()) return nullptr;
            node = &(*node)[static_cast<std::size_t>(idx)];
        } else
            return nullptr;
    }
    return node;
}

}  // namespace

double metricValue(const json& record, const std::string& path) {
    const json* v = lookup(record, path);
    if (!v) return std::nan("");
    if (v->is_boolean()) return v->get<bool>() ? 1.0 : 0.0;
    if (v->is_number()) return v->get<double>();
    return std::nan("");
}

ResultTable::ResultTable(const ExperimentPlan& plan, std::vector<Cell> cells, std::map<std::string, json> recordsById)
    : plan_(plan), cells_(std::move(cells)), records_(std::move(recordsById)) {
    // Seeds are the innermost dimension: consecutive runs of cells with equal dataset and coords.
    for (const auto& c : cells_) {
        if (groups_.empty() || groups_.back().dataset != c.dataset || groups_.back().coords != c.coords) groups_.push_back({c.dataset, c.coords, {}});
        groups_.back().cells.push_back(c.index);
    }
}

const json* ResultTable::record(int cell) const {
    const auto it = records_.find(cells_.at(static_cast<std::size_t>(cell)).id);
    return it == records_.end() ? nullptr : &it->second;
}

double ResultTable::value(int cell, const std::string& path) const {
    const json* r = record(cell);
    return r ? metricValue(*r, path) : std::nan("");
}

SeedStatistic ResultTable::statistic(const CellGroup& group, const std::string& path) const {
    SeedStatistic s;
    s.seeds = static_cast<int>(group.cells.size());
    std::vector<double> v;
    for (int c : group.cells) {
        const double x = value(c, path);
        if (std::isfinite(x)) v.push_back(x);
    }
    s.n = static_cast<int>(v.size());
    if (v.empty()) return s;
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / double(v.size());
    if (v.size() > 1) {
        double ss = 0;
        for (double x : v) ss += (x - s.mean) * (x - s.mean);
        s.std = std::sqrt(ss / double(v.size() - 1));
    }
    return s;
}

std::string ResultTable::missingReason(int cell, const std::string& path) const {
    const json* r = record(cell);
    if (!r) return "not run";
    if (std::isfinite(metricValue(*r, path))) return "";
    const std::string status = r->value("status", "");
    if (status == "failed") return "failed";
    if (status == "diverged") return "diverged";
    if (status == "nan") return "NaN loss";
    return "undefined";
}

std::string ResultTable::missingReason(const CellGroup& group, const std::string& path) const {
    for (int c : group.cells)
        if (auto why = missingReason(c, path); !why.empty()) return why;
    return "";
}

std::string ResultTable::headlineMetric() const {
    if (!plan_.report.metric.empty()) return plan_.report.metric;
    return plan_.metrics.empty() ? std::string("score") : plan_.metrics.front().name + ".score";
}

std::string ResultTable::sensitivityMetric() const {
    return plan_.report.sensitivity.empty() ? std::string("certificate.observed_sensitivity") : plan_.report.sensitivity;
}

int ResultTable::bestGroup(const std::string& path) const {
    int best = -1;
    bool bestComplete = false;
    double bestValue = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const SeedStatistic s = statistic(groups_[g], path);
        if (!std::isfinite(s.mean)) continue;
        const bool better = plan_.report.lowerIsBetter ? s.mean < bestValue : s.mean > bestValue;
        if (best < 0 || (s.complete() && !bestComplete) || (s.complete() == bestComplete && better)) {
            best = static_cast<int>(g);
            bestComplete = s.complete();
            bestValue = s.mean;
        }
    }
    return best;
}

std::string ResultTable::describe(const CellGroup& group) const {
    std::string s;
    if (plan_.datasets.size() > 1) s = "dataset=" + plan_.datasets[static_cast<std::size_t>(group.dataset)].name;
    for (std::size_t a = 0; a < plan_.axes.size(); ++a)
        s += (s.empty() ? "" : ", ") + plan_.axes[a].name + "=" + plan_.axes[a].values[static_cast<std::size_t>(group.coords[a])].label;
    return s.empty() ? plan_.datasets[static_cast<std::size_t>(group.dataset)].name : s;
}

std::map<std::string, int> ResultTable::statusCounts() const {
    std::map<std::string, int> counts{{"ok", 0}, {"failed", 0}, {"nan", 0}, {"diverged", 0}, {"missing", 0}, {"stale", 0}};
    std::set<std::string> ids;
    for (const auto& c : cells_) {
        ids.insert(c.id);
        const json* r = record(c.index);
        counts[r ? r->value("status", "failed") : "missing"]++;
    }
    for (const auto& [id, r] : records_)
        if (!ids.count(id)) counts["stale"]++;
    return counts;
}

}  // namespace sd::experiment
