#include "core/data/video_image.h"

#include <algorithm>
#include <cmath>

namespace sd::data {

namespace {
uchar toByte(double v) { return static_cast<uchar>(std::lround(std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0) * 255.0)); }
}  // namespace

QImage frameImage(const Eigen::Ref<const Eigen::VectorXd>& f, const FrameGeometry& g) {
    if (g.height <= 0 || g.width <= 0 || g.channels <= 0) return {};
    const Eigen::Index plane = g.height * g.width;
    QImage img(static_cast<int>(g.width), static_cast<int>(g.height), QImage::Format_RGB888);
    for (Eigen::Index y = 0; y < g.height; ++y) {
        uchar* line = img.scanLine(static_cast<int>(y));
        for (Eigen::Index x = 0; x < g.width; ++x) {
            const Eigen::Index p = y * g.width + x;
            for (int c = 0; c < 3; ++c) line[3 * x + c] = toByte(f[(g.channels >= 3 ? c : 0) * plane + p]);
        }
    }
    return img;
}

QImage videoFrameImage(const Video& video, Eigen::Index t) {
    if (video.frameCount() == 0 || video.height <= 0 || video.width <= 0) return {};
    return frameImage(video.frames.col(std::clamp<Eigen::Index>(t, 0, video.frameCount() - 1)), video.geometry());
}

}  // namespace sd::data
