#include "core/experiment/extensions.h"

#include "core/experiment/builtin_metrics.h"

namespace sd::experiment {

Extensions Extensions::builtins() {
    Extensions e;
    for (auto& m : builtinMetricKinds()) e.addMetric(std::move(m));
    for (auto& t : builtinTransformKinds()) e.addTransform(std::move(t));
    return e;
}

void Extensions::addMetric(MetricKind kind) { metrics_[kind.kind] = std::move(kind); }
void Extensions::addTransform(TransformKind kind) { transforms_[kind.kind] = std::move(kind); }
void Extensions::addStudyReport(const std::string& name, StudyReport report) { reports_[name] = std::move(report); }

const MetricKind* Extensions::metric(const std::string& kind) const {
    const auto it = metrics_.find(kind);
    return it == metrics_.end() ? nullptr : &it->second;
}

const TransformKind* Extensions::transform(const std::string& kind) const {
    const auto it = transforms_.find(kind);
    return it == transforms_.end() ? nullptr : &it->second;
}

const StudyReport* Extensions::studyReport(const std::string& name) const {
    const auto it = reports_.find(name);
    return it == reports_.end() ? nullptr : &it->second;
}

namespace {
template <class Map>
std::vector<std::string> keysOf(const Map& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
}
}  // namespace

std::vector<std::string> Extensions::metricKinds() const { return keysOf(metrics_); }
std::vector<std::string> Extensions::transformKinds() const { return keysOf(transforms_); }
std::vector<std::string> Extensions::studyReports() const { return keysOf(reports_); }

}  // namespace sd::experiment
