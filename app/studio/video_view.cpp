#include "app/studio/video_view.h"

#include "app/studio/async_task.h"
#include "app/studio/frame_label.h"
#include "app/studio/studio_context.h"
#include "app/studio/video_frames.h"
#include "core/common/error.h"
#include "core/data/video_export.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace sd::studio {

namespace {

constexpr double kMaxGeneratedBytes = 768.0 * (1 << 20);  // frames are doubles: cap one generation's memory

const char* kPanelTitles[3] = {"Real (data)", "Generated (current model)", "Pinned (comparison)"};

}  // namespace

VideoView::VideoView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    auto* layout = new QVBoxLayout(this);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel("Trajectory:", this));
    trajectory_ = new QComboBox(this);
    trajectory_->setObjectName("videoTrajectory");
    trajectory_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    trajectory_->setMinimumContentsLength(10);
    controls->addWidget(trajectory_);
    controls->addWidget(new QLabel("Frames:", this));
    frames_ = new QSpinBox(this);
    frames_->setObjectName("videoFrames");
    frames_->setRange(2, 100000);
    frames_->setValue(300);
    frames_->setToolTip("Encode the first frame of the trajectory, integrate the latent dynamics, decode every step.");
    controls->addWidget(frames_);
    generate_ = new QPushButton("Generate", this);
    generate_->setObjectName("videoGenerate");
    controls->addWidget(generate_);
    pin_ = new QPushButton("Pin", this);
    pin_->setObjectName("videoPin");
    pin_->setToolTip("Keep the generated video in the third panel (e.g. the stable model's), then generate with another model.");
    controls->addWidget(pin_);
    controls->addStretch(1);
    layout->addLayout(controls);

    auto* grid = new QGridLayout;
    for (int p = 0; p < 3; ++p) {
        PanelWidgets& w = panels_[p];
        w.title = new QLabel(QString("<b>%1</b>").arg(kPanelTitles[p]), this);
        w.image = new FrameLabel(this);
        w.image->setObjectName(QString("videoPanel%1").arg(p));
        w.caption = new QLabel(this);
        w.caption->setWordWrap(true);
        w.caption->setMinimumWidth(120);
        w.caption->setStyleSheet("color: #4b5563;");
        grid->addWidget(w.title, 0, p, Qt::AlignHCenter);
        grid->addWidget(w.image, 1, p);
        grid->addWidget(w.caption, 2, p, Qt::AlignTop);
        grid->setColumnStretch(p, 1);
    }
    grid->setRowStretch(1, 1);   // the panels take the height the window gives
    layout->addLayout(grid, 1);

    auto* transport = new QHBoxLayout;
    auto* back = new QPushButton("◀", this);
    back->setObjectName("videoStepBack");
    back->setToolTip("Previous frame");
    play_ = new QPushButton("Play", this);
    play_->setObjectName("videoPlay");
    auto* forward = new QPushButton("▶", this);
    forward->setObjectName("videoStepForward");
    forward->setToolTip("Next frame");
    scrub_ = new QSlider(Qt::Horizontal, this);
    scrub_->setObjectName("videoScrub");
    frameLabel_ = new QLabel(this);
    frameLabel_->setMinimumWidth(100);
    fps_ = new QSpinBox(this);
    fps_->setObjectName("videoFps");
    fps_->setRange(1, 120);
    fps_->setValue(25);
    fps_->setSuffix(" fps");
    transport->addWidget(back);
    transport->addWidget(play_);
    transport->addWidget(forward);
    transport->addWidget(scrub_, 1);
    transport->addWidget(frameLabel_);
    transport->addWidget(fps_);
    layout->addLayout(transport);

    auto* exports = new QHBoxLayout;
    exports->addWidget(new QLabel("Export:", this));
    exportPanel_ = new QComboBox(this);
    for (const char* t : kPanelTitles) exportPanel_->addItem(t);
    exportPanel_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    exportPanel_->setMinimumContentsLength(12);
    exportPanel_->setCurrentIndex(Generated);
    exports->addWidget(exportPanel_);
    auto* exportPng = new QPushButton("PNG sequence…", this);
    auto* exportGifButton = new QPushButton("Animated GIF…", this);
    exports->addWidget(exportPng);
    exports->addWidget(exportGifButton);
    exports->addStretch(1);
    layout->addLayout(exports);

    status_ = new QLabel(this);
    status_->setObjectName("videoStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);

    timer_ = new QTimer(this);
    connect(timer_, &QTimer::timeout, this, [this] {
        const int n = frameCount();
        if (n > 0) setFrameIndex((frame_ + 1) % n);
    });
    connect(play_, &QPushButton::clicked, this, [this] { setPlaying(!isPlaying()); });
    connect(back, &QPushButton::clicked, this, [this] { setFrameIndex(frame_ - 1); });
    connect(forward, &QPushButton::clicked, this, [this] { setFrameIndex(frame_ + 1); });
    connect(scrub_, &QSlider::valueChanged, this, &VideoView::setFrameIndex);
    connect(fps_, &QSpinBox::valueChanged, this, [this](int fps) { timer_->setInterval(1000 / fps); });
    timer_->setInterval(1000 / fps_->value());
    connect(generate_, &QPushButton::clicked, this, [this] { generate(frames_->value()); });
    connect(pin_, &QPushButton::clicked, this, [this] { pinGenerated(); });
    connect(exportPng, &QPushButton::clicked, this, [this] { exportChosen(false); });
    connect(exportGifButton, &QPushButton::clicked, this, [this] { exportChosen(true); });
    connect(trajectory_, &QComboBox::currentIndexChanged, this, [this](int index) {
        const auto ds = context_->dataset();
        if (!ds || index < 0 || !data::isVideoDataset(*ds)) return;
        panels_[Real].video = data::videoFromDataset(*ds, static_cast<std::size_t>(index));
        panels_[Real].label = trajectory_->currentText();
        if (panels_[Real].video->fps > 0) fps_->setValue(static_cast<int>(std::lround(panels_[Real].video->fps)));
        updateCaption(Real);
        setFrameIndex(0);
    });
    connect(context_, &StudioContext::datasetChanged, this, &VideoView::onDatasetChanged);
    onDatasetChanged();
}

void VideoView::onDatasetChanged() {
    setPlaying(false);
    for (auto& p : panels_) p.video.reset();
    trajectory_->blockSignals(true);
    trajectory_->clear();
    const auto ds = context_->dataset();
    const bool video = ds && data::isVideoDataset(*ds);
    if (video)
        for (const auto& tr : ds->trajectories) trajectory_->addItem(QString::fromStdString(tr.id));
    trajectory_->blockSignals(false);
    for (int p = 0; p < 3; ++p) updateCaption(static_cast<Panel>(p));
    if (video) {
        trajectory_->setCurrentIndex(0);
        panels_[Real].video = data::videoFromDataset(*ds, 0);
        panels_[Real].label = trajectory_->currentText();
        if (panels_[Real].video->fps > 0) fps_->setValue(static_cast<int>(std::lround(panels_[Real].video->fps)));
        frames_->setValue(static_cast<int>(std::max<Eigen::Index>(2, panels_[Real].video->frameCount())));
        updateCaption(Real);
        setStatus(QString("Video %1×%2, %3 channel(s). Train a video model (vae-latent), then Generate.")
                      .arg(panels_[Real].video->width)
                      .arg(panels_[Real].video->height)
                      .arg(panels_[Real].video->channels),
                  false);
    } else {
        setStatus("Load a video dataset (the registry's video-* entries, or a folder of frames / a GIF through "
                  "the CLI) to see real and generated videos here.",
                  false);
    }
    setFrameIndex(0);
}

bool VideoView::generate(int frames) {
    const auto ds = context_->dataset();
    const auto model = context_->model();
    if (!ds || !data::isVideoDataset(*ds) || !panels_[Real].video) {
        setStatus("No video dataset is loaded.", true);
        return false;
    }
    const data::Video& real = *panels_[Real].video;
    if (!model) {
        setStatus("No model yet: train or import a video model (vae-latent) first.", true);
        return false;
    }
    if (model->dims().state != real.frameSize()) {
        setStatus(QString("The current model (%1) works on states of dimension %2, not on %3×%4×%5 frames.")
                      .arg(QString::fromStdString(model->pluginId()))
                      .arg(model->dims().state)
                      .arg(real.channels)
                      .arg(real.height)
                      .arg(real.width),
                  true);
        return false;
    }
    if (double(real.frameSize()) * frames * sizeof(double) > kMaxGeneratedBytes) {
        setStatus(QString("%1 frames of this size need more than %2 MB; generate fewer.").arg(frames).arg(kMaxGeneratedBytes / (1 << 20)), true);
        return false;
    }
    const int generation = ++generation_;
    const QString label = context_->modelLabel();
    const data::Trajectory request = generationRequest(real.frames.col(0), frames, real.fps);
    generate_->setEnabled(false);
    setStatus(QString("Generating %1 frames…").arg(frames), false);
    runAsync(
        this, [model, request] { return model->predict(request); },
        [this, generation, label, real](model::Prediction p) {
            if (generation != generation_) return;  // a newer request superseded this one
            generate_->setEnabled(true);
            Eigen::Index valid = p.x.cols();
            if (p.diverged)  // keep the frames before the latent left the bounded region
                for (Eigen::Index k = 0; k < p.x.cols(); ++k)
                    if (!p.x.col(k).allFinite()) { valid = k; break; }
            panels_[Generated].video = videoLike(real, p.x.leftCols(valid), "generated");
            panels_[Generated].label = label;
            updateCaption(Generated);
            setStatus(p.diverged ? QString("Generated %1 frames; the rollout diverged after frame %2.").arg(p.x.cols()).arg(valid)
                                 : QString("Generated %1 frames with %2.").arg(p.x.cols()).arg(label),
                      p.diverged);
            setFrameIndex(frame_);
            emit generated();
        },
        [this, generation](const QString& message) {
            if (generation != generation_) return;
            generate_->setEnabled(true);
            setStatus("Generation failed: " + message, true);
            emit failed(message);
        });
    return true;
}

bool VideoView::pinGenerated() {
    if (!panels_[Generated].video) {
        setStatus("Nothing to pin: generate a video first.", true);
        return false;
    }
    panels_[Pinned].video = panels_[Generated].video;
    panels_[Pinned].label = panels_[Generated].label;
    updateCaption(Pinned);
    showFrame();
    return true;
}

const data::Video* VideoView::panelVideo(Panel panel) const {
    return panels_[panel].video ? &*panels_[panel].video : nullptr;
}

int VideoView::frameCount() const {
    Eigen::Index n = 0;
    for (const auto& p : panels_)
        if (p.video) n = std::max(n, p.video->frameCount());
    return static_cast<int>(n);
}

void VideoView::setFrameIndex(int frame) {
    const int n = frameCount();
    frame_ = n > 0 ? std::clamp(frame, 0, n - 1) : 0;
    scrub_->blockSignals(true);
    scrub_->setRange(0, std::max(0, n - 1));
    scrub_->setValue(frame_);
    scrub_->blockSignals(false);
    showFrame();
}

void VideoView::setPlaying(bool playing) {
    if (playing && frameCount() > 1) timer_->start();
    else timer_->stop();
    play_->setText(timer_->isActive() ? "Pause" : "Play");
}

bool VideoView::isPlaying() const { return timer_->isActive(); }

QString VideoView::statusText() const { return status_->text(); }

void VideoView::showFrame() {
    frameLabel_->setText(frameCount() > 0 ? QString("frame %1 / %2").arg(frame_).arg(frameCount() - 1) : QString("no frames"));
    for (auto& p : panels_) {
        if (!p.video || p.video->frameCount() == 0) {
            p.image->setPlaceholder("—");
            continue;
        }
        // Shorter videos hold their last frame while the longer ones play on.
        const QImage img = data::videoFrameImage(*p.video, std::min<Eigen::Index>(frame_, p.video->frameCount() - 1));
        p.image->setImage(img);
    }
}

void VideoView::updateCaption(Panel panel) {
    PanelWidgets& w = panels_[panel];
    if (!w.video) {
        w.caption->setText(panel == Real ? "" : panel == Generated ? "Generate with the current model." : "Pin a generated video to compare.");
        return;
    }
    const Eigen::VectorXd c = meanAbsoluteFrameChange(*w.video);
    QString change = "single frame";
    if (c.size() > 0) {
        const Eigen::Index tenth = std::max<Eigen::Index>(1, c.size() / 10);
        change = QString("mean |Δframe|: %1 (first 10 %) → %2 (last 10 %)")
                     .arg(c.head(tenth).mean(), 0, 'g', 3)
                     .arg(c.tail(tenth).mean(), 0, 'g', 3);
    }
    w.caption->setText(QString("%1 · %2 frames<br>%3").arg(w.label.toHtmlEscaped()).arg(w.video->frameCount()).arg(change));
}

void VideoView::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b91c1c;" : "color: #374151;");
}

void VideoView::exportPngSequence(Panel panel, const QString& folder) const {
    const data::Video* v = panelVideo(panel);
    if (!v) throw Error("video export", std::string("the panel '") + kPanelTitles[panel] + "' is empty");
    data::writePngSequence(*v, folder.toStdString(), "frame");
}

void VideoView::exportGif(Panel panel, const QString& file) const {
    const data::Video* v = panelVideo(panel);
    if (!v) throw Error("video export", std::string("the panel '") + kPanelTitles[panel] + "' is empty");
    data::Video copy = *v;
    copy.fps = fps_->value();  // export at the playback speed the user chose
    data::writeGif(copy, file.toStdString());
}

void VideoView::exportChosen(bool gif) {
    const auto panel = static_cast<Panel>(exportPanel_->currentIndex());
    const QString target = gif ? QFileDialog::getSaveFileName(this, "Export animated GIF", "video.gif", "GIF (*.gif)")
                               : QFileDialog::getExistingDirectory(this, "Export PNG sequence into folder");
    if (target.isEmpty()) return;
    try {
        if (gif) exportGif(panel, target);
        else exportPngSequence(panel, target);
        setStatus("Exported to " + target, false);
    } catch (const std::exception& e) {
        setStatus(QString("Export failed: ") + e.what(), true);
    }
}

}  // namespace sd::studio
