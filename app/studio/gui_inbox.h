#pragma once
// GuiInbox — how background threads hand work to the GUI thread.
//
// post(fn) may be called from any thread; fn then runs on the thread of the inbox's context object (the GUI
// thread), in posting order, as long as the context lives. Once the context is destroyed, queued and later
// deliveries are dropped (destroyed unrun), so a delivery may capture the context's `this`.
//
// Why not QMetaObject::invokeMethod with a lambda, or QFutureWatcher: the hand-off would then go through
// Qt's event queue, whose mutex is inside the uninstrumented libQt6Core, so ThreadSanitizer cannot see it
// and reports every hand-off as a race (docs/RELIABILITY.md, "Sanitizers"). Here every value crosses threads
// under a std::mutex, which TSan sees; Qt only carries a bare "drain now" call with no data of ours.
//
// Cost: at most one queued Qt call is outstanding per inbox; a drain runs everything posted since the last
// one, so the GUI thread's work is proportional to what was posted, never to how often it was woken.
#include <QObject>
#include <functional>
#include <memory>

namespace sd::studio {

/// A handle: copies share one inbox; a worker keeps its copy as long as it likes.
class GuiInbox {
public:
    /// The inbox of `context`, created on first use as a hidden child of it. Call on `context`'s thread.
    static GuiInbox of(QObject* context);

    /// Any thread: queues `delivery`; it runs on the context's thread, or never if the context is destroyed
    /// first.
    void post(std::function<void()> delivery) const;

    /// On the context's thread: runs what is queued now (for callers that wait synchronously).
    void drainNow() const;

private:
    class Receiver;
    struct Shared;
    explicit GuiInbox(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
    std::shared_ptr<Shared> shared_;
};

}  // namespace sd::studio
