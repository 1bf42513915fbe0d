#include "app/studio/video_frames.h"

#include "core/common/error.h"

namespace sd::studio {

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
