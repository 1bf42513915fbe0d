#pragma once
// Small helpers shared by the paper studies' metrics and reports.
#include "core/common/json_number.h"
#include "core/experiment/report.h"
#include "core/experiment/result_table.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::studies {

/// The label of group `g` on the axis called `axis` ("" if the plan has no such axis).
std::string axisLabel(const experiment::ResultTable& table, const experiment::CellGroup& g, const std::string& axis);

/// The record of the group's first seed (nullptr if it has not finished).
const nlohmann::json* firstRecord(const experiment::ResultTable& table, const experiment::CellGroup& g);

/// A parameter of the dataset's generator spec in the plan (null if absent).
nlohmann::json datasetParam(const experiment::ExperimentPlan& plan, int dataset, const std::string& key);

/// Reopens a dataset of the plan as the run saw it (source + transforms).
data::Dataset reopenDataset(const experiment::StudyReportInput& in, int dataset);

/// Loads the model a record points to (needs in.host).
std::unique_ptr<model::Model> loadRecordModel(const experiment::StudyReportInput& in, const nlohmann::json& record);

}  // namespace sd::studies
