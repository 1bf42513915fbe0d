#pragma once
// TaskOutcome — what a view's background computation ended with: its value, the text of the exception it
// threw, or the fact that it was cancelled. runAsync and LatestJob carry it from the task threads to the GUI
// thread, so an exception inside a computation reaches the view as a message and is never a crash.
#include <QString>
#include <exception>
#include <optional>
#include <string>
#include <utility>

namespace sd::studio {

/// Thrown by CancelToken::throwIfCancelled to leave a cancelled computation from anywhere inside it.
struct JobCancelled {};

template <typename Result>
struct TaskOutcome {
    std::optional<Result> value;
    std::string error;
    bool cancelled = false;

    /// Runs `work()` on the calling thread and records its value, or what stopped it: JobCancelled marks the
    /// outcome cancelled, any other exception leaves its message in `error`.
    template <typename Work>
    static TaskOutcome capture(Work&& work) {
        TaskOutcome outcome;
        try {
            outcome.value.emplace(std::forward<Work>(work)());
        } catch (const JobCancelled&) {
            outcome.cancelled = true;
        } catch (const std::exception& e) {
            outcome.error = e.what();
        } catch (...) {
            outcome.error = "unknown error";
        }
        return outcome;
    }

    /// On the GUI thread: hands the value to `done`, or the error's text to `onError`; a cancelled outcome
    /// reaches neither.
    template <typename Done, typename OnError>
    void deliver(Done& done, OnError& onError) {
        if (cancelled) return;
        if (value) done(std::move(*value));
        else onError(QString::fromStdString(error));
    }
};

}  // namespace sd::studio
