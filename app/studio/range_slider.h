#pragma once
// RangeSlider — a horizontal slider with two handles that selects a sub-range [lower, upper] of [min, max]
// (Qt has none): drag a handle to move one end, drag the band between them to pan, the wheel zooms around
// the mouse. The time-series view ties it to its x axis.
#include <QWidget>

namespace sd::studio {

class RangeSlider : public QWidget {
    Q_OBJECT
public:
    explicit RangeSlider(QWidget* parent = nullptr);

    void setLimits(double min, double max);
    /// Clamped to the limits; emits rangeChanged when it changes.
    void setRange(double lower, double upper);
    double lower() const { return lower_; }
    double upper() const { return upper_; }
    double minimum() const { return min_; }
    double maximum() const { return max_; }

    QSize sizeHint() const override { return {200, 22}; }
    QSize minimumSizeHint() const override { return {60, 22}; }

signals:
    void rangeChanged(double lower, double upper);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    enum class Drag { None, Lower, Upper, Band };
    double toValue(double px) const;
    double toPixel(double value) const;

    double min_ = 0, max_ = 1, lower_ = 0, upper_ = 1;
    Drag drag_ = Drag::None;
    double grabValue_ = 0, grabLower_ = 0, grabUpper_ = 0;
};

}  // namespace sd::studio
