#pragma once
// WheelGuard — an application-wide event filter: a combo box, spin box or slider that merely sits under the
// mouse while the user scrolls a form does not change its value; the wheel scrolls the form instead. It
// changes the value only once the widget has keyboard focus (clicked or tabbed into).
#include <QObject>

namespace sd::studio {

class WheelGuard : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace sd::studio
