// `stabledyn train --plugin ID --data D [--config cfg.json] [--set k=v]... [--seed N]
//                  [--train-split S] [--validation-split S] --out model.json`
// Progress goes to stderr, the summary as JSON to stdout. Ctrl-C cancels cleanly: the last good
// parameters are saved.
#include "cli_context.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace sd::cli {

using nlohmann::json;

namespace {

std::atomic<bool> gTrainCancel{false};
extern "C" void onInterrupt(int) { gTrainCancel = true; }

/// --config file, then --set pairs (values parsed as JSON when possible, else taken as strings).
json collectHyperparameters(const Args& args) {
    json hyper = json::object();
    if (args.has("config")) {
        hyper = model::readJsonFile(args.get("config"));
        if (!hyper.is_object()) throw Error(args.get("config"), "expected a JSON object of hyperparameters");
    }
    for (const auto& kv : args.all("set")) {
        auto [key, value] = model::parseHyperparameterAssignment(kv, "option --set");
        hyper[key] = std::move(value);
    }
    return hyper;
}

}  // namespace

int runTrain(int argc, char** argv) {
    auto specs = datasetOptions();
    specs.insert(specs.end(), {{"plugin", true, false, ""}, {"config", true, false, ""}, {"set", true, true, ""},
                               {"seed", true, false, ""}, {"train-split", true, false, ""},
                               {"validation-split", true, false, ""}, {"out", true, false, ""}, {"quiet", false, false, ""}});
    const Args args(argc, argv, 2, specs);
    const std::string out = args.require("out");
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require(args.require("plugin"));
    const catalog::DatasetCatalog catalog;
    const data::Dataset ds = openDataset(args, catalog);

    const json hyper = model::validateHyperparameters(plugin.plugin->hyperparameterSchema(), collectHyperparameters(args));
    auto m = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));

    model::TrainRequest req;
    req.seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    req.trainSplit = args.get("train-split", "train");
    req.validationSplit = args.get("validation-split", "validation");
    const bool quiet = args.has("quiet");
    std::signal(SIGINT, onInterrupt);
    const auto start = std::chrono::steady_clock::now();
    std::cerr << "training " << plugin.id() << " (" << m->variant() << ") on " << ds.name << ", "
              << ds.trajectories.size() << " trajectories, seed " << req.seed << std::endl;
    const auto summary = m->train(ds, req, [&](const model::TrainEvent& e) {
        if (quiet && e.epoch != e.totalEpochs) return;
        char line[256];
        std::snprintf(line, sizeof line, "epoch %d/%d  train %.6g  validation %.6g  lr %.3g  (%.2f s)", e.epoch, e.totalEpochs,
                      e.trainLoss, e.validationLoss, e.learningRate, e.elapsedSeconds);
        std::cerr << line << std::endl;
    }, gTrainCancel);
    std::signal(SIGINT, SIG_DFL);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << summary.message << std::endl;

    const json doc = m->toJson();
    model::saveModelFile(out, doc);
    printJson({{"model", out}, {"plugin", plugin.id()}, {"variant", m->variant()}, {"dataset", ds.name},
               {"status", model::toString(summary.status)}, {"epochs_run", summary.epochsRun}, {"final_train_loss", jsonNumber(summary.finalTrainLoss)},
               {"final_validation_loss", jsonNumber(summary.finalValidationLoss)}, {"seconds", seconds},
               {"message", summary.message}, {"certificate", doc["certificate"]}});
    return summary.status == model::TrainStatus::Completed ? 0 : 3;
}

}  // namespace sd::cli
