#pragma once
// ScreenshotTour — what `--screenshot DIR` does once the startup run (training, a random model or a
// sweep) is over: prepare the views so the pictures show their features (a generated video next to the
// real one for video data, two clicked trajectories in the phase portrait), then, for each requested
// window size, lay the docks out for that size and save a PNG of the whole window for every registered
// view (MainWindow::saveScreenshots), and emit finished().
#include <QObject>
#include <QSize>
#include <QString>
#include <vector>

namespace sd::studio {

class MainWindow;

class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    /// `sizes` empty: the window's current size, files studio_<key>.png; otherwise one set per size,
    /// studio_<key>_<W>x<H>.png.
    ScreenshotTour(MainWindow* window, QString dir, std::vector<QSize> sizes);

    /// Starts the tour (asynchronous; runs once).
    void run();

signals:
    void finished();

private:
    void prepareVideo();
    void clickTrajectories();
    void shoot();

    MainWindow* window_;
    QString dir_;
    std::vector<QSize> sizes_;
    bool started_ = false;
};

}  // namespace sd::studio
