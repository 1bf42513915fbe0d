#include "core/common/json_number.h"
#include "core/experiment/cell_execution.h"

#include "core/common/error.h"
#include "core/experiment/certificate_summary.h"
#include "core/experiment/result_store.h"
#include "core/model/model_document.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <unistd.h>

namespace sd::experiment {

using nlohmann::json;

namespace {


double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string hostName() {
    char buf[256] = {};
    return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string();
}

json baseRecord(const ExperimentPlan& plan, const Cell& cell) {
    return {{"id", cell.id},
            {"index", cell.index},
            {"plan", plan.name},
            {"dataset", plan.datasets.at(static_cast<std::size_t>(cell.dataset)).name},
            {"labels", cell.labels(plan)},
            {"seed", cell.seed},
            {"status", "ok"},
            {"metrics", json::object()},
            {"host", hostName()},
            {"engine_version", 1}};
}

}  // namespace

std::string utcTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json failedRecord(const ExperimentPlan& plan, const Cell& cell, const std::string& error) {
    json r = baseRecord(plan, cell);
    r["status"] = "failed";
    r["error"] = error;
    r["hyperparameters"] = cell.validated.is_null() ? cell.hyper : cell.validated;
    r["model_file"] = nullptr;
    r["finished_at"] = utcTimestamp();
    return r;
}

std::optional<json> executeCell(const CellTask& task, const std::atomic<bool>& cancel) {
    const auto t0 = std::chrono::steady_clock::now();
    const ExperimentPlan& plan = task.plan;
    const Cell& cell = task.cell;
    json r = baseRecord(plan, cell);
    json hyper = cell.validated;
    for (const auto& [k, v] : task.executionHyper.items()) hyper[k] = v;
    r["hyperparameters"] = hyper;
    r["dataset_sha256"] = task.dataset.sha256;
    r["model_file"] = nullptr;
    std::vector<std::string> errors;
    double trainSeconds = 0, metricSeconds = 0, saveSeconds = 0;
    try {
        auto model = task.plugin.plugin->create(hyper, data::DatasetInfo::of(task.dataset));
        model::TrainRequest request;
        request.trainSplit = plan.training.trainSplit;
        request.validationSplit = plan.training.validationSplit;
        request.seed = cell.seed;
        const auto tt = std::chrono::steady_clock::now();
        const model::TrainSummary summary = model->train(task.dataset, request, task.onEpoch, cancel);
        trainSeconds = secondsSince(tt);
        if (summary.status == model::TrainStatus::Cancelled || cancel) return std::nullopt;
        r["training"] = {{"status", model::toString(summary.status)}, {"epochs_run", summary.epochsRun},
                         {"final_train_loss", jsonNumber(summary.finalTrainLoss)}, {"final_validation_loss", jsonNumber(summary.finalValidationLoss)},
                         {"message", summary.message}};
        if (summary.status == model::TrainStatus::StoppedOnNaN) r["status"] = "nan";

        const auto tm = std::chrono::steady_clock::now();
        model::Certificate typed;
        json certificate = json::object();
        try {
            typed = model->certify();
            certificate = typed.toJson();
        } catch (const std::exception& e) {
            errors.push_back(std::string("certificate: ") + e.what());
        }
        r["certificate"] = toJson(summarizeCertificate(typed));
        int diverged = 0;
        for (const auto& spec : plan.metrics) {
            const MetricKind* kind = task.extensions.metric(spec.kind);
            try {
                if (!kind) throw Error("metric '" + spec.name + "'", "unknown kind '" + spec.kind + "'");
                const MetricContext ctx{plan, cell, spec, *model, task.dataset, summary, typed, certificate, cancel};
                json value = kind->compute(ctx);
                if (value.is_object() && value.contains("diverged") && value["diverged"].is_number() && value["diverged"].get<double>() > 0) ++diverged;
                r["metrics"][spec.name] = std::move(value);
            } catch (const std::exception& e) {
                errors.push_back("metric '" + spec.name + "': " + e.what());
                r["metrics"][spec.name] = {{"error", e.what()}};
            }
            if (cancel) return std::nullopt;
        }
        metricSeconds = secondsSince(tm);
        if (diverged > 0 && r["status"] == "ok") r["status"] = "diverged";

        const auto ts = std::chrono::steady_clock::now();
        try {
            const std::filesystem::path file = modelFile(task.outputDir, cell.id);
            model::saveModelFile(file, model->toJson());
            r["model_file"] = std::filesystem::relative(file, task.outputDir).string();
        } catch (const std::exception& e) {
            errors.push_back(std::string("model not saved: ") + e.what());
        }
        saveSeconds = secondsSince(ts);
    } catch (const std::exception& e) {
        if (cancel) return std::nullopt;
        errors.insert(errors.begin(), e.what());
    }
    if (!errors.empty()) {
        r["status"] = "failed";
        std::string all;
        for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
        r["error"] = all;
    }
    r["timings"] = {{"train_seconds", trainSeconds}, {"metrics_seconds", metricSeconds}, {"save_seconds", saveSeconds},
                    {"total_seconds", secondsSince(t0)}};
    r["finished_at"] = utcTimestamp();
    return r;
}

}  // namespace sd::experiment
