#pragma once
// runAsync: runs `work` on the views' task threads and delivers its result to `done` on the GUI thread.
//
// The views use it for everything that may take longer than a frame (loading files, evaluating a model on
// a grid, predicting a trajectory), so the event loop never stalls. Errors thrown by `work` arrive as the
// text of the exception (`onError`). If `receiver` is destroyed first, nothing is delivered.
#include "app/studio/gui_inbox.h"
#include "app/studio/task_outcome.h"
#include "app/studio/task_threads.h"

#include <QObject>
#include <memory>
#include <type_traits>

namespace sd::studio {

template <typename Work, typename Done, typename OnError>
void runAsync(QObject* receiver, Work work, Done done, OnError onError) {
    using Result = std::invoke_result_t<Work>;
    // std::function needs copyable callables; the callbacks are shared, never copied in effect.
    auto doneShared = std::make_shared<Done>(std::move(done));
    auto onErrorShared = std::make_shared<OnError>(std::move(onError));
    viewTaskThreads().post([inbox = GuiInbox::of(receiver), work = std::make_shared<Work>(std::move(work)),
                            doneShared, onErrorShared] {
        // The result, or the exception's message, travels to the GUI thread: an exception is never a crash.
        auto outcome = std::make_shared<TaskOutcome<Result>>(TaskOutcome<Result>::capture(*work));
        inbox.post([outcome, doneShared, onErrorShared] { outcome->deliver(*doneShared, *onErrorShared); });
    });
}

}  // namespace sd::studio
