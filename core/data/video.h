#pragma once
// Videos for the video-texture experiment (docs/methods/vae-latent.md): image sequences, animated GIFs,
// area-averaging downscale, crops, (t, t+1) frame pairs, and the conversion to and from a Dataset (so a video can travel through the registry, the catalog and the plugin contract).
//
// Layout — the same as sd::ad's convolution ops (core/autodiff/conv.h):
//  * one frame of C channels and H×W pixels is a column of C·H·W values in C order (channel, row,
//    column): entry (c·H + y)·W + x;
//  * a video is the (C·H·W) × T matrix of its frames, column t = frame t (the project's "batch = columns");
//  * values are in [0, 1] (8-bit value / 255); C = 3 is RGB (channels R, G, B), C = 1 is gray
//    (ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B). Alpha is ignored.
//
// Images are decoded with QtGui's QImageReader (PNG built in; JPEG and GIF through Qt's image-format
// plugins). Every failure throws sd::Error("<file or folder>", "<what>").
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sd::data {

enum class VideoColor { Rgb, Gray };

/// Channels × height × width of one frame (the frame layout above).
struct FrameGeometry {
    Eigen::Index channels = 0, height = 0, width = 0;
    Eigen::Index size() const { return channels * height * width; }
};

struct Video {
    std::string name;                     ///< short name (folder or file stem, generator name)
    std::string source;                   ///< folder / file path, or generator description
    Eigen::Index channels = 0, height = 0, width = 0;
    double fps = 0.0;                     ///< frames per second, 0 = unknown
    Eigen::MatrixXd frames;               ///< (C·H·W) × T, column t = frame t, values in [0, 1]

    Eigen::Index frameCount() const { return frames.cols(); }
    Eigen::Index frameSize() const { return channels * height * width; }
    FrameGeometry geometry() const { return {channels, height, width}; }
};

struct VideoLoadOptions {
    VideoColor color = VideoColor::Rgb;
    Eigen::Index firstFrame = 0;          ///< skip the frames before this one
    Eigen::Index maxFrames = 0;           ///< keep at most this many frames (0 = all)
    /// If both > 0, every frame is downscaled (area averaging, see downscale()) to height × width while
    /// loading, so the full-resolution video is never held in memory. Must not exceed the frame size.
    Eigen::Index height = 0, width = 0;
    /// Resource limits (docs/RELIABILITY.md, "Resource limits"). A frame (or GIF canvas) of more pixels
    /// is refused from its header, before it is decoded; the kept frames (C·H·W doubles each, after the
    /// downscale) may take at most maxFramesBytes, beyond which loading stops with an error suggesting
    /// maxFrames or a downscale. Peak memory is about twice maxFramesBytes (the kept frames, then the
    /// assembled matrix) plus one full-resolution frame.
    Eigen::Index maxFramePixels = Eigen::Index{1} << 24;   ///< 16 Mpx, e.g. 4096 × 4096
    std::int64_t maxFramesBytes = std::int64_t{2} << 30;   ///< 2 GiB
};

/// "frame2" < "frame10": digit runs compare by numeric value, the rest character by character; ties
/// (e.g. "01" vs "1") are broken by plain string order, so the order is total.
bool naturalLess(const std::string& a, const std::string& b);

/// The frame files of a folder (*.png, *.jpg, *.jpeg, any letter case; no subfolders, no hidden files) in
/// natural name order. Throws if the folder does not exist or holds no frames.
std::vector<std::filesystem::path> listFrameFiles(const std::filesystem::path& folder);

/// A folder of equally sized frames in natural name order. fps is 0 (unknown).
Video loadImageSequence(const std::filesystem::path& folder, const VideoLoadOptions& options = {});
/// An animated (or single-frame) GIF; frames are the composited full frames; fps from the first frame
/// delay when it is > 0.
Video loadGif(const std::filesystem::path& file, const VideoLoadOptions& options = {});
/// A folder → loadImageSequence, a .gif file → loadGif.
Video loadVideo(const std::filesystem::path& path, const VideoLoadOptions& options = {});

/// Area-averaging downscale to height × width (each output pixel is the mean of the source area it covers,
/// with fractional coverage at the edges; an integer factor averages exact k×k blocks). Throws if the target
/// is empty or larger than the frames.
Video downscale(const Video& video, Eigen::Index height, Eigen::Index width);
/// Crop every frame to rows top..top+height-1 and columns left..left+width-1 (throws if outside the frame).
Video crop(const Video& video, Eigen::Index top, Eigen::Index left, Eigen::Index height, Eigen::Index width);
/// Centred crop (the extra row/column goes to the bottom/right when the margin is odd).
Video cropCenter(const Video& video, Eigen::Index height, Eigen::Index width);
/// The largest centred square.
Video cropCenterSquare(const Video& video);
/// Frames first..first+count-1 (a time window, for temporal train/test splits).
Video sliceFrames(const Video& video, Eigen::Index first, Eigen::Index count);
/// RGB → gray (BT.601); a gray video is returned unchanged.
Video toGray(const Video& video);

/// Training pairs (y_t, y_{t+1}): current.col(i) = frame t_i, next.col(i) = frame t_i + 1.
struct FramePairs {
    Eigen::MatrixXd current, next;
    std::vector<Eigen::Index> t;
};
/// Every consecutive pair, t = 0..T−2. Throws if the video has fewer than 2 frames.
FramePairs framePairs(const Video& video);
/// The pairs starting at the given frames (each 0 ≤ t ≤ T−2), in that order — a minibatch.
FramePairs framePairs(const Video& video, const std::vector<Eigen::Index>& t);

// ---- Dataset conversion ---------------------------------------------------------------------------------

/// Pixel channel names "c<c>_y<y>_x<x>" in the frame layout (they record the frame geometry).
std::vector<std::string> videoPixelNames(Eigen::Index channels, Eigen::Index height, Eigen::Index width);
/// One trajectory (id = trajectoryId, x = frames, t = k/fps or the frame index k when fps is unknown),
/// stateNames = videoPixelNames, dt = 1/fps (0 if unknown), split "train" = {0}.
Dataset videoToDataset(const Video& video, const std::string& trajectoryId = "video");
/// The frame geometry whose videoPixelNames(C, H, W) are `stateNames` (checked at the count, the first and
/// last name and the channel and row boundaries, not name by name), or nullopt.
std::optional<FrameGeometry> frameGeometryOf(const std::vector<std::string>& stateNames);
/// True if the dataset's state names are exactly videoPixelNames(C, H, W) for some C, H, W.
bool isVideoDataset(const Dataset& dataset);
/// The video of one trajectory of a video dataset (throws sd::Error if it is not one).
Video videoFromDataset(const Dataset& dataset, std::size_t trajectory = 0);

/// Fingerprint of a folder of frames (what a registry manifest records for a "video" file entry): SHA-256
/// of the lines "<file name> <sha256 of the file>\n" over listFrameFiles(folder) in order, and the total size.
struct FrameFolderDigest {
    std::string sha256;
    std::int64_t bytes = 0;
    std::size_t files = 0;
};
FrameFolderDigest digestFrameFolder(const std::filesystem::path& folder);

}  // namespace sd::data
