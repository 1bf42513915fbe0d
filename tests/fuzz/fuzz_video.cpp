// Fuzzes the video readers (core/data/video.h): the first byte picks an animated GIF or a two-frame
// folder of PNG images; the rest is the file content.
#include "core/data/video.h"
#include "tests/fuzz/fuzz_support.h"

#include <QCoreApplication>

using namespace sd;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    static QCoreApplication app(*argc, *argv);   // QImageReader finds the GIF/JPEG format plugins through it
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bool gif = data[0] & 1;
    data::VideoLoadOptions options;
    // Smaller limits than the defaults keep every input within libFuzzer's memory limit; the limit
    // checks themselves are the same code.
    options.maxFrames = 16;
    options.maxFramePixels = 1 << 20;
    options.maxFramesBytes = std::int64_t{256} << 20;
    if (data[0] & 2) options.color = data::VideoColor::Gray;
    if (gif) {
        const auto path = fuzz::writeScratch("input.gif", data + 1, size - 1);
        fuzz::expectCleanRejection([&] { data::loadGif(path, options); });
    } else {
        const auto folder = fuzz::scratchDir() / "frames";
        std::filesystem::create_directories(folder);
        fuzz::writeScratch("frames/frame1.png", data + 1, size - 1);
        fuzz::writeScratch("frames/frame2.png", data + 1, size - 1);
        fuzz::expectCleanRejection([&] { data::loadImageSequence(folder, options); });
    }
    return 0;
}
