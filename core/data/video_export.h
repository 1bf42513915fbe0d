#pragma once
// Writing videos: an animated GIF (our own encoder — Qt reads GIFs but cannot write them) and a PNG
// sequence. Both take the frames of a sd::data::Video (values in [0, 1], C·H·W per column; 1 or 3 channels).
#include "core/data/video.h"

#include <filesystem>
#include <string>

namespace sd::data {

/// The GIF bytes of `video`: GIF89a, a global 6×7×6 RGB colour cube (grey ramp of 256 levels for
/// 1-channel videos), Netscape loop extension (loops forever), one frame per column with a delay of
/// round(100 / fps) hundredths of a second (fps ≤ 0 → 25 fps). LZW with a clear code before the code
/// width would grow past 9 bits, so every code is 9 bits wide: simple and exact, about 1.1 bytes per pixel.
/// Throws sd::Error("gif", …) for 0 frames, channels other than 1 and 3, or a side above 65535.
std::string encodeGif(const Video& video);

/// encodeGif written atomically to `file`.
void writeGif(const Video& video, const std::filesystem::path& file);

/// One PNG per frame, `<stem>_00000.png`, `<stem>_00001.png`, … in `folder` (created if missing; each file
/// written atomically). Returns the number of files written. Throws sd::Error naming the file on failure.
int writePngSequence(const Video& video, const std::filesystem::path& folder, const std::string& stem = "frame");

}  // namespace sd::data
