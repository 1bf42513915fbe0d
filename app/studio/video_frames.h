#pragma once
// Helpers of the Video tab that need no widgets (one frame as an image is data::videoFrameImage,
// core/data/video_image.h): the mean absolute frame-to-frame change (a static video shows up as ≈ 0, a diverging one as a jump),
// and the "generation request" — the trajectory handed to Model::predict to roll a video model out.
#include "core/data/dataset.h"
#include "core/data/video.h"
#include "core/data/video_image.h"


namespace sd::studio {

/// c_k = mean |frame_{k+1} − frame_k| over all values, k = 0 … T−2 (empty for fewer than 2 frames).
Eigen::VectorXd meanAbsoluteFrameChange(const data::Video& video);

/// A trajectory of `frames` samples (spacing 1/fps, or 1 when fps is unknown) whose first column is
/// `firstFrame` and whose other columns are zero: what a video model's predict() needs to encode the
/// first frame and roll out frames − 1 steps. Throws sd::Error for frames < 2.
data::Trajectory generationRequest(const Eigen::VectorXd& firstFrame, Eigen::Index frames, double fps);

/// A Video with the geometry of `like` and the given frames (columns).
data::Video videoLike(const data::Video& like, Eigen::MatrixXd frames, const std::string& name);

}  // namespace sd::studio
