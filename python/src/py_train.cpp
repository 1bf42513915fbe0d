// stabledyn.train(plugin, dataset, hyper=None, *, seed=0, on_epoch=None, train_split="train",
//                 validation_split="validation") → Model
//
// The steps of `stabledyn train` (validate the hyperparameters, create, Model::train with the request), run
// on the calling thread with the GIL released. Ways to stop:
//   * on_epoch(event) returns False: the core's cancel flag is set; train() returns the model, whose
//     training record says "cancelled" (parameters of the last completed step);
//   * Ctrl-C: while train() runs on the main thread over Python's default SIGINT handler, a C handler sets
//     the cancel flag — polled by the core every minibatch, so the stop is prompt even inside a long epoch —
//     and train() raises TrainingInterrupted (a KeyboardInterrupt) carrying the cancelled model as .model.
//     Elsewhere (another thread, a user's own handler) signals are handled by PyErr_CheckSignals in the
//     epoch callback path, i.e. at the next epoch end;
//   * an exception from on_epoch (or from a Python signal handler) cancels, then is re-raised.
#include "errors.h"
#include "bindings.h"
#include "host.h"
#include "json_py.h"
#include "py_dataset.h"
#include "py_model.h"

#include "core/model/hyperparameters.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <memory>

namespace sd::py {

using nlohmann::json;

namespace {

// The cancel flag of the training that owns SIGINT right now (async-signal-safe: lock-free atomics only).
std::atomic<std::atomic<bool>*> gSigintCancel{nullptr};
volatile std::sig_atomic_t gSigintSeen = 0;

extern "C" void onSigint(int) {
    gSigintSeen = 1;
    if (std::atomic<bool>* cancel = gSigintCancel.load()) cancel->store(true);
}

/// Routes SIGINT to a training's cancel flag for the guard's lifetime — only on the main thread and only
/// over Python's default handler, so a handler the user installed stays in charge.
class SigintToCancel {
public:
    explicit SigintToCancel(std::atomic<bool>& cancel) {
        const py::module_ signal = py::module_::import("signal"), threading = py::module_::import("threading");
        const bool mainThread = threading.attr("current_thread")().is(threading.attr("main_thread")());
        if (!mainThread || !signal.attr("getsignal")(SIGINT).is(signal.attr("default_int_handler"))) return;
        previousCancel_ = gSigintCancel.exchange(&cancel);
        previousSeen_ = gSigintSeen;
        gSigintSeen = 0;
        struct sigaction action {};
        action.sa_handler = onSigint;
        sigemptyset(&action.sa_mask);
        installed_ = sigaction(SIGINT, &action, &previous_) == 0;
    }
    ~SigintToCancel() {
        if (!installed_) return;
        sigaction(SIGINT, &previous_, nullptr);
        gSigintCancel.store(previousCancel_);
        gSigintSeen = previousSeen_ || gSigintSeen;
    }
    SigintToCancel(const SigintToCancel&) = delete;
    SigintToCancel& operator=(const SigintToCancel&) = delete;

    bool interrupted() const { return installed_ && gSigintSeen; }

private:
    struct sigaction previous_ {};
    std::atomic<bool>* previousCancel_ = nullptr;
    std::sig_atomic_t previousSeen_ = 0;
    bool installed_ = false;
};

py::dict eventDict(const model::TrainEvent& e) {
    py::dict d;
    d["epoch"] = e.epoch;
    d["total_epochs"] = e.totalEpochs;
    d["train_loss"] = e.trainLoss;
    d["validation_loss"] = std::isnan(e.validationLoss) ? py::object(py::none()) : py::object(py::float_(e.validationLoss));
    d["learning_rate"] = e.learningRate;
    d["epoch_seconds"] = e.epochSeconds;
    d["elapsed_seconds"] = e.elapsedSeconds;
    return d;
}

[[noreturn]] void raiseInterrupted(std::unique_ptr<PyModel> model, const model::TrainSummary& summary) {
    const py::handle type = trainingInterruptedType();
    py::object exc = py::reinterpret_borrow<py::object>(type)(
        "training interrupted (Ctrl-C) after " + std::to_string(summary.epochsRun) +
        " epochs; the model with the last good parameters is in .model");
    exc.attr("model") = py::cast(std::move(model));
    PyErr_SetObject(type.ptr(), exc.ptr());
    throw py::error_already_set();
}

std::unique_ptr<PyModel> train(const std::string& pluginId, py::handle dataset, py::handle hyper, std::uint64_t seed,
                               py::object onEpoch, const std::string& trainSplit, const std::string& validationSplit) {
    if (!onEpoch.is_none() && !PyCallable_Check(onEpoch.ptr()))
        throw InputError("on_epoch", "expected a callable taking the epoch event (or None)");
    const auto& plugin = pluginHost().require(pluginId);
    const auto ds = datasetArgument(dataset);
    const json validated = model::validateHyperparameters(plugin.plugin->hyperparameterSchema(),
                                                          hyper.is_none() ? json::object() : toJson(hyper, "hyper"));
    std::unique_ptr<model::Model> m = plugin.plugin->create(validated, data::DatasetInfo::of(*ds));

    model::TrainRequest request;
    request.seed = seed;
    request.trainSplit = trainSplit;
    request.validationSplit = validationSplit;

    std::atomic<bool> cancel{false};
    std::unique_ptr<py::error_already_set> pythonError;   // raised by on_epoch or a signal handler
    std::exception_ptr otherError;
    // Runs on the training thread (this one) with the GIL released around it; never lets an exception
    // into the core's loop — it records it and cancels instead.
    const model::TrainCallback relay = [&](const model::TrainEvent& e) {
        py::gil_scoped_acquire gil;
        if (pythonError || otherError) return;
        try {
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            if (onEpoch.is_none()) return;
            const py::object answer = onEpoch(eventDict(e));
            if (answer.is_none()) return;
            const int keepGoing = PyObject_IsTrue(answer.ptr());
            if (keepGoing < 0) throw py::error_already_set();
            if (!keepGoing) cancel = true;
        } catch (py::error_already_set& err) {
            pythonError = std::make_unique<py::error_already_set>(std::move(err));
            cancel = true;
        } catch (...) {
            otherError = std::current_exception();
            cancel = true;
        }
    };

    model::TrainSummary summary;
    bool interrupted = false;
    {
        SigintToCancel sigint(cancel);
        {
            py::gil_scoped_release release;
            summary = m->train(*ds, request, relay, cancel);
        }
        interrupted = sigint.interrupted();
    }
    auto result = std::make_unique<PyModel>(std::move(m));
    if (interrupted || (pythonError && pythonError->matches(PyExc_KeyboardInterrupt))) raiseInterrupted(std::move(result), summary);
    if (pythonError) throw std::move(*pythonError);
    if (otherError) std::rethrow_exception(otherError);
    return result;
}

}  // namespace

void bindTrain(py::module_& m) {
    m.def("train", &train, py::arg("plugin"), py::arg("dataset"), py::arg("hyper") = py::none(), py::kw_only(),
          py::arg("seed") = 0, py::arg("on_epoch") = py::none(), py::arg("train_split") = "train",
          py::arg("validation_split") = "validation",
          "Trains a new model of `plugin` on `dataset` (a Dataset, registry name or file) with the hyperparameters\n"
          "`hyper` (dict; see plugins()) and `seed` — the same steps and the same result as `stabledyn train`.\n"
          "The GIL is released while the core trains. on_epoch(event) is called after every epoch with a dict\n"
          "(epoch, total_epochs, train_loss, validation_loss, learning_rate, epoch_seconds, elapsed_seconds);\n"
          "returning False cancels (the model is returned, its .training['status'] is 'cancelled'). Ctrl-C\n"
          "cancels within one minibatch and raises TrainingInterrupted, whose .model is the cancelled model.\n"
          "An exception raised by on_epoch cancels and propagates. Training that goes NaN stops and keeps the\n"
          "last good parameters (status 'stopped_on_nan').");
}

}  // namespace sd::py
