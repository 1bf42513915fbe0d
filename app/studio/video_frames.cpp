#include "app/studio/video_frames.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>

namespace sd::studio {

namespace {
uchar toByte(double v) { return static_cast<uchar>(std::lround(std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0) * 255.0)); }
}  // namespace

QImage videoFrameImage(const data::Video& video, Eigen::Index t) {
    if (video.frameCount() == 0 || video.height <= 0 || video.width <= 0) return {};
    t = std::clamp<Eigen::Index>(t, 0, video.frameCount() - 1);
    const auto f = video.frames.col(t);
    const Eigen::Index plane = video.height * video.width;
    QImage img(static_cast<int>(video.width), static_cast<int>(video.height), QImage::Format_RGB888);
    for (Eigen::Index y = 0; y < video.height; ++y) {
        uchar* line = img.scanLine(static_cast<int>(y));
        for (Eigen::Index x = 0; x < video.width; ++x) {
            const Eigen::Index p = y * video.width + x;
            for (int c = 0; c < 3; ++c) line[3 * x + c] = toByte(f[(video.channels >= 3 ? c : 0) * plane + p]);
        }
    }
    return img;
}

Eigen::VectorXd meanAbsoluteFrameChange(const data::Video& video) {
    const Eigen::Index T = video.frameCount();
    if (T < 2 || video.frames.rows() == 0) return {};
    Eigen::VectorXd c(T - 1);
    for (Eigen::Index k = 0; k + 1 < T; ++k)
        c[k] = (video.frames.col(k + 1) - video.frames.col(k)).cwiseAbs().mean();
    return c;
}

data::Trajectory generationRequest(const Eigen::VectorXd& firstFrame, Eigen::Index frames, double fps) {
    if (frames < 2) throw Error("video generation", "needs at least 2 frames, got " + std::to_string(frames));
    data::Trajectory tr;
    tr.id = "generated";
    const double dt = fps > 0.0 ? 1.0 / fps : 1.0;
    tr.t = Eigen::VectorXd::LinSpaced(frames, 0.0, dt * static_cast<double>(frames - 1));
    tr.x = Eigen::MatrixXd::Zero(firstFrame.size(), frames);
    tr.x.col(0) = firstFrame;
    return tr;
}

data::Video videoLike(const data::Video& like, Eigen::MatrixXd frames, const std::string& name) {
    data::Video v;
    v.name = name;
    v.source = like.source;
    v.channels = like.channels;
    v.height = like.height;
    v.width = like.width;
    v.fps = like.fps;
    v.frames = std::move(frames);
    return v;
}

}  // namespace sd::studio
