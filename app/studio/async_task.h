#pragma once
// runAsync: runs `work` on the global thread pool and delivers its result to `done` on the GUI thread.
//
// The views use it for everything that may take longer than a frame (loading files, evaluating a model on
// a grid, predicting a trajectory), so the event loop never stalls. Errors thrown by `work` arrive as the
// text of the exception (`onError`). If `receiver` is destroyed first, nothing is delivered.
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace sd::studio {

template <typename Work, typename Done, typename OnError>
void runAsync(QObject* receiver, Work work, Done done, OnError onError) {
    using Result = std::invoke_result_t<Work>;
    // The result travels as an "outcome" so an exception in the worker becomes a message, not a crash.
    struct Outcome {
        std::optional<Result> value;
        std::string error;
    };
    auto* watcher = new QFutureWatcher<std::shared_ptr<Outcome>>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, done = std::move(done), onError = std::move(onError)]() mutable {
                         const auto outcome = watcher->result();
                         watcher->deleteLater();
                         if (outcome->value) done(std::move(*outcome->value));
                         else onError(QString::fromStdString(outcome->error));
                     });
    watcher->setFuture(QtConcurrent::run([work = std::move(work)]() mutable {
        auto outcome = std::make_shared<Outcome>();
        try {
            outcome->value.emplace(work());
        } catch (const std::exception& e) {
            outcome->error = e.what();
        } catch (...) {
            outcome->error = "unknown error";
        }
        return outcome;
    }));
}

}  // namespace sd::studio
