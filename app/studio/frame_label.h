#pragma once
// FrameLabel — shows one video frame as large as its place allows: scaled with nearest-neighbour sampling
// (pixels stay sharp), aspect ratio kept, centred on a dark background; a placeholder text when empty.
// Unlike a fixed-size QLabel it grows with the window.
#include <QImage>
#include <QString>
#include <QWidget>

namespace sd::studio {

class FrameLabel : public QWidget {
    Q_OBJECT
public:
    explicit FrameLabel(QWidget* parent = nullptr);
    void setImage(const QImage& image);
    void setPlaceholder(const QString& text);
    const QImage& image() const { return image_; }
    /// The rectangle the frame is drawn in (empty without a frame).
    QRect frameRect() const;

    QSize sizeHint() const override { return {260, 260}; }
    QSize minimumSizeHint() const override { return {120, 120}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override { return w; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage image_;
    QString placeholder_ = "—";
};

}  // namespace sd::studio
