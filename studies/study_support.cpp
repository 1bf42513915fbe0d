#include "studies/study_support.h"

#include "core/common/error.h"
#include "core/experiment/dataset_source.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"

namespace sd::studies {

using nlohmann::json;

std::string axisLabel(const experiment::ResultTable& table, const experiment::CellGroup& g, const std::string& axis) {
    const int a = table.plan().axisIndex(axis);
    return a < 0 ? std::string() : table.plan().axes[static_cast<std::size_t>(a)].values[static_cast<std::size_t>(g.coords[static_cast<std::size_t>(a)])].label;
}

const json* firstRecord(const experiment::ResultTable& table, const experiment::CellGroup& g) {
    return g.cells.empty() ? nullptr : table.record(g.cells.front());
}

json datasetParam(const experiment::ExperimentPlan& plan, int dataset, const std::string& key) {
    const json& s = plan.datasets.at(static_cast<std::size_t>(dataset)).source;
    return s.contains("params") && s["params"].contains(key) ? s["params"][key] : json(nullptr);
}

data::Dataset reopenDataset(const experiment::StudyReportInput& in, int dataset) {
    if (!in.extensions) throw Error("study report", "needs the engine's extensions to reopen datasets");
    const catalog::DatasetCatalog catalog;
    const auto& plan = in.table.plan();
    return experiment::openDataset(plan.datasets.at(static_cast<std::size_t>(dataset)), plan.baseDir, catalog, *in.extensions);
}

std::unique_ptr<model::Model> loadRecordModel(const experiment::StudyReportInput& in, const json& record) {
    if (!in.host) throw Error("study report", "needs the plugin host to load models");
    if (!record.contains("model_file") || !record["model_file"].is_string()) throw Error("cell " + record.value("id", std::string("?")), "has no saved model");
    return model::loadModelFile(*in.host, in.outputDir / record["model_file"].get<std::string>());
}

}  // namespace sd::studies
