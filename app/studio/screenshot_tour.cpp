#include "app/studio/screenshot_tour.h"

#include "app/studio/main_window.h"
#include "app/studio/phase_portrait_view.h"
#include "app/studio/state_box.h"
#include "app/studio/studio_context.h"
#include "app/studio/video_view.h"
#include "core/data/video.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

namespace sd::studio {

ScreenshotTour::ScreenshotTour(MainWindow* window, QString dir, std::vector<QSize> sizes)
    : QObject(window), window_(window), dir_(std::move(dir)), sizes_(std::move(sizes)) {}

void ScreenshotTour::run() {
    if (started_) return;
    started_ = true;
    prepareVideo();
}

void ScreenshotTour::prepareVideo() {
    // Video data: generate a video with the trained model first, so the Video view shows real vs generated.
    const auto ds = window_->context()->dataset();
    VideoView* video = window_->video();
    if (ds && data::isVideoDataset(*ds) && window_->context()->model()) {
        const int frames = static_cast<int>(std::max<Eigen::Index>(2, ds->trajectories.front().x.cols()));
        connect(video, &VideoView::generated, this, [this, video, frames] {
            video->setFrameIndex(frames / 2);
            QTimer::singleShot(500, this, &ScreenshotTour::clickTrajectories);
        }, Qt::SingleShotConnection);
        connect(video, &VideoView::failed, this, [this] { QTimer::singleShot(500, this, &ScreenshotTour::clickTrajectories); },
                Qt::SingleShotConnection);
        if (video->generate(frames)) return;
    }
    clickTrajectories();
}

void ScreenshotTour::clickTrajectories() {
    // Two starts at opposite corners of the data's box (70 % of the way out), so the picture shows clicks.
    const auto ds = window_->context()->dataset();
    PhasePortraitView* phase = window_->phasePortrait();
    if (ds && !data::isVideoDataset(*ds) && ds->stateDim() >= 2 && !ds->trajectories.empty()) {
        const StateBox box = stateBox(ds.get(), ds->stateDim());
        const int ix = phase->xCoordinate(), iy = phase->yCoordinate();
        const double cx = 0.5 * (box.low[ix] + box.high[ix]), cy = 0.5 * (box.low[iy] + box.high[iy]);
        const double rx = 0.35 * (box.high[ix] - box.low[ix]), ry = 0.35 * (box.high[iy] - box.low[iy]);
        window_->tabs()->setCurrentWidget(phase);
        phase->startTrajectoryAt(cx - rx, cy + ry);
        phase->startTrajectoryAt(cx + rx, cy - ry);
    }
    QTimer::singleShot(1500, this, &ScreenshotTour::shoot);
}

void ScreenshotTour::shoot() {
    if (sizes_.empty()) {
        window_->saveScreenshots(dir_);
    } else {
        for (const QSize& size : sizes_) {
            window_->resize(size);
            window_->arrangeDocks();
            QElapsedTimer settle;
            settle.start();
            while (settle.elapsed() < 800) QApplication::processEvents(QEventLoop::AllEvents, 50);
            window_->saveScreenshots(dir_, QString("_%1x%2").arg(size.width()).arg(size.height()));
        }
    }
    emit finished();
}

}  // namespace sd::studio
