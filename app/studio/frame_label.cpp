#include "app/studio/frame_label.h"

#include <QPainter>

namespace sd::studio {

FrameLabel::FrameLabel(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void FrameLabel::setImage(const QImage& image) {
    image_ = image;
    update();
}

void FrameLabel::setPlaceholder(const QString& text) {
    image_ = QImage();
    placeholder_ = text;
    update();
}

QRect FrameLabel::frameRect() const {
    if (image_.isNull()) return {};
    const QSize scaled = image_.size().scaled(size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - scaled.width()) / 2, (height() - scaled.height()) / 2), scaled);
}

void FrameLabel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(31, 41, 55));
    if (image_.isNull()) {
        p.setPen(QColor(156, 163, 175));
        p.drawText(rect(), Qt::AlignCenter, placeholder_);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);   // nearest neighbour: sharp pixels
    p.drawImage(frameRect(), image_);
}

}  // namespace sd::studio
