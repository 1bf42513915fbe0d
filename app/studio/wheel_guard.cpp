#include "app/studio/wheel_guard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QWheelEvent>

namespace sd::studio {

bool WheelGuard::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::Wheel) return false;
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || widget->hasFocus()) return false;
    const bool guarded = qobject_cast<QComboBox*>(widget) || qobject_cast<QAbstractSpinBox*>(widget) ||
                         (qobject_cast<QAbstractSlider*>(widget) && !widget->inherits("QScrollBar"));
    if (!guarded) return false;
    // Hand the wheel to the nearest parent that is not itself a guarded editor (a scroll area scrolls).
    widget->setFocusPolicy(Qt::StrongFocus);
    for (QWidget* p = widget->parentWidget(); p; p = p->parentWidget()) {
        if (qobject_cast<QComboBox*>(p) || qobject_cast<QAbstractSpinBox*>(p)) continue;
        auto* wheel = static_cast<QWheelEvent*>(event);
        QWheelEvent copy(p->mapFromGlobal(wheel->globalPosition()), wheel->globalPosition(), wheel->pixelDelta(), wheel->angleDelta(),
                         wheel->buttons(), wheel->modifiers(), wheel->phase(), wheel->inverted(), wheel->source());
        QApplication::sendEvent(p, &copy);
        break;
    }
    return true;   // the editor never sees it
}

}  // namespace sd::studio
