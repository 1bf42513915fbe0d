#pragma once
// One video frame as an image (QtGui, no widgets): what the studio's Video tab shows, PNG sequence exports
// write and study reports paint into their frame strips.
#include "core/data/video.h"

#include <QImage>

namespace sd::data {

/// A frame column (geometry.size() values in the frame layout of video.h) as an RGB888 image of
/// geometry.width × geometry.height: 1-channel frames as grey, values clamped to [0, 1] and rounded to
/// 0…255, NaN as black. An empty geometry gives a null image.
QImage frameImage(const Eigen::Ref<const Eigen::VectorXd>& frame, const FrameGeometry& geometry);

/// Frame t of `video` (t clamped to the valid range) as frameImage; an empty video gives a null image.
QImage videoFrameImage(const Video& video, Eigen::Index t);

}  // namespace sd::data
