#include "app/studio/range_slider.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace sd::studio {

namespace {
constexpr int kHandle = 8;   // handle width in pixels
}

RangeSlider::RangeSlider(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setFocusPolicy(Qt::NoFocus);   // never steals keyboard focus (the wheel zooms only while hovered)
    setToolTip("Drag the handles to choose the shown time range, drag the band to move it, wheel to zoom.");
}

void RangeSlider::setLimits(double min, double max) {
    if (!(max > min)) max = min + 1;
    min_ = min;
    max_ = max;
    setRange(lower_, upper_);
    update();
}

void RangeSlider::setRange(double lower, double upper) {
    if (lower > upper) std::swap(lower, upper);
    const double minSpan = (max_ - min_) * 1e-4;
    lower = std::clamp(lower, min_, max_);
    upper = std::clamp(upper, min_, max_);
    if (upper - lower < minSpan) upper = std::min(max_, lower + minSpan);
    if (lower == lower_ && upper == upper_) return;
    lower_ = lower;
    upper_ = upper;
    update();
    emit rangeChanged(lower_, upper_);
}

double RangeSlider::toPixel(double v) const {
    const double w = std::max(1, width() - 2 * kHandle);
    return kHandle + (v - min_) / (max_ - min_) * w;
}

double RangeSlider::toValue(double px) const {
    const double w = std::max(1, width() - 2 * kHandle);
    return min_ + (px - kHandle) / w * (max_ - min_);
}

void RangeSlider::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int cy = height() / 2;
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(229, 231, 235));
    p.drawRoundedRect(QRectF(kHandle, cy - 3, width() - 2 * kHandle, 6), 3, 3);
    const double a = toPixel(lower_), b = toPixel(upper_);
    p.setBrush(QColor(37, 99, 235, 90));
    p.drawRect(QRectF(a, cy - 6, b - a, 12));
    p.setBrush(QColor(37, 99, 235));
    p.drawRoundedRect(QRectF(a - kHandle, cy - 9, kHandle, 18), 2, 2);
    p.drawRoundedRect(QRectF(b, cy - 9, kHandle, 18), 2, 2);
}

void RangeSlider::mousePressEvent(QMouseEvent* e) {
    const double x = e->position().x();
    const double a = toPixel(lower_), b = toPixel(upper_);
    if (x >= a - kHandle - 2 && x <= a + 2) drag_ = Drag::Lower;
    else if (x >= b - 2 && x <= b + kHandle + 2) drag_ = Drag::Upper;
    else if (x > a && x < b) drag_ = Drag::Band;
    else {
        // A click outside the band moves the band there (keeping its width).
        const double span = upper_ - lower_;
        const double centre = toValue(x);
        setRange(centre - span / 2, centre + span / 2);
        drag_ = Drag::Band;
    }
    grabValue_ = toValue(x);
    grabLower_ = lower_;
    grabUpper_ = upper_;
}

void RangeSlider::mouseMoveEvent(QMouseEvent* e) {
    const double v = toValue(e->position().x());
    switch (drag_) {
        case Drag::Lower: setRange(std::min(v, upper_), upper_); break;
        case Drag::Upper: setRange(lower_, std::max(v, lower_)); break;
        case Drag::Band: {
            double d = v - grabValue_;
            d = std::clamp(d, min_ - grabLower_, max_ - grabUpper_);
            setRange(grabLower_ + d, grabUpper_ + d);
            break;
        }
        case Drag::None: break;
    }
}

void RangeSlider::mouseReleaseEvent(QMouseEvent*) { drag_ = Drag::None; }

void RangeSlider::wheelEvent(QWheelEvent* e) {
    const double factor = e->angleDelta().y() > 0 ? 0.8 : 1.25;
    const double centre = std::clamp(toValue(e->position().x()), lower_, upper_);
    setRange(centre - (centre - lower_) * factor, centre + (upper_ - centre) * factor);
    e->accept();
}

}  // namespace sd::studio
