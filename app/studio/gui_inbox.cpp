#include "app/studio/gui_inbox.h"

#include <QMetaObject>
#include <mutex>
#include <utility>
#include <vector>

namespace sd::studio {

// The queue and the pointer to the receiver; `receiver` is cleared (under the mutex) when the receiver is
// destroyed, so a post either happens entirely before that (and Qt discards the posted call with the
// receiver) or sees the receiver gone.
struct GuiInbox::Shared {
    std::mutex mutex;
    Receiver* receiver = nullptr;
    std::vector<std::function<void()>> queue;
    bool drainPosted = false;

    void drain() {
        std::vector<std::function<void()>> batch;
        {
            std::lock_guard lock(mutex);
            batch.swap(queue);
            drainPosted = false;
        }
        for (auto& delivery : batch) delivery();
    }
};

// Lives on the context's thread as its child: Qt calls drain() there, and it dies with the context.
class GuiInbox::Receiver : public QObject {
    Q_OBJECT
public:
    Receiver(QObject* context, std::shared_ptr<Shared> shared) : QObject(context), shared_(std::move(shared)) {}
    ~Receiver() override {
        std::vector<std::function<void()>> dropped;   // destroyed outside the lock
        std::lock_guard lock(shared_->mutex);
        shared_->receiver = nullptr;
        dropped.swap(shared_->queue);
    }
    Q_INVOKABLE void drain() { shared_->drain(); }
    const std::shared_ptr<Shared>& shared() const { return shared_; }

private:
    std::shared_ptr<Shared> shared_;
};

GuiInbox GuiInbox::of(QObject* context) {
    if (auto* existing = context->findChild<Receiver*>(QString(), Qt::FindDirectChildrenOnly))
        return GuiInbox(existing->shared());
    auto shared = std::make_shared<Shared>();
    shared->receiver = new Receiver(context, shared);
    return GuiInbox(std::move(shared));
}

void GuiInbox::post(std::function<void()> delivery) const {
    std::unique_lock lock(shared_->mutex);
    if (!shared_->receiver) {
        lock.unlock();
        return;   // `delivery` is destroyed here, unrun
    }
    shared_->queue.push_back(std::move(delivery));
    if (!shared_->drainPosted) {
        shared_->drainPosted = true;
        // By name, with no arguments: nothing of ours travels through Qt's (uninstrumented) event queue.
        QMetaObject::invokeMethod(shared_->receiver, "drain", Qt::QueuedConnection);
    }
}

void GuiInbox::drainNow() const { shared_->drain(); }

}  // namespace sd::studio

#include "gui_inbox.moc"
