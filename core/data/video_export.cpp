#include "core/data/video_export.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/video_image.h"

#include <QBuffer>
#include <QImage>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sd::data {

namespace {

void put16(std::string& out, int v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>((v >> 8) & 0xff));
}

std::uint8_t level(double v, int steps) {  // [0, 1] → 0..steps-1, rounded
    const double c = std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0);
    return static_cast<std::uint8_t>(std::lround(c * (steps - 1)));
}

/// Palette index of pixel p of frame column `f`.
std::uint8_t paletteIndex(const Video& v, const Eigen::Ref<const Eigen::VectorXd>& f, Eigen::Index p) {
    const Eigen::Index plane = v.height * v.width;
    if (v.channels == 1) return level(f[p], 256);
    return static_cast<std::uint8_t>(level(f[p], 6) * 42 + level(f[plane + p], 7) * 6 + level(f[2 * plane + p], 6));
}

/// Packs 9-bit codes LSB-first into GIF data sub-blocks of at most 255 bytes.
class CodeWriter {
public:
    explicit CodeWriter(std::string& out) : out_(out) {}
    void write(int code) {
        bits_ |= static_cast<std::uint32_t>(code) << count_;
        count_ += 9;
        while (count_ >= 8) {
            push(static_cast<char>(bits_ & 0xff));
            bits_ >>= 8;
            count_ -= 8;
        }
    }
    void finish() {
        if (count_ > 0) push(static_cast<char>(bits_ & 0xff));
        flushBlock();
        out_.push_back('\0');  // block terminator
    }

private:
    void push(char c) {
        block_.push_back(c);
        if (block_.size() == 255) flushBlock();
    }
    void flushBlock() {
        if (block_.empty()) return;
        out_.push_back(static_cast<char>(block_.size()));
        out_ += block_;
        block_.clear();
    }
    std::string& out_;
    std::string block_;
    std::uint32_t bits_ = 0;
    int count_ = 0;
};

}  // namespace

std::string encodeGif(const Video& v) {
    if (v.frameCount() == 0) throw Error("gif", "the video has no frames");
    if (v.channels != 1 && v.channels != 3) throw Error("gif", "expected 1 or 3 channels, got " + std::to_string(v.channels));
    if (v.width <= 0 || v.height <= 0 || v.width > 65535 || v.height > 65535)
        throw Error("gif", "frame size " + std::to_string(v.width) + "x" + std::to_string(v.height) + " out of range");
    if (v.frames.rows() != v.frameSize()) throw Error("gif", "frames have " + std::to_string(v.frames.rows()) + " rows, expected C·H·W");

    std::string out = "GIF89a";
    put16(out, static_cast<int>(v.width));
    put16(out, static_cast<int>(v.height));
    out.push_back(static_cast<char>(0xF7));  // global colour table of 256 entries, 8 bits per primary
    out.push_back('\0');                     // background colour index
    out.push_back('\0');                     // pixel aspect ratio
    for (int i = 0; i < 256; ++i) {
        int r, g, b;
        if (v.channels == 1) {
            r = g = b = i;
        } else if (i < 252) {
            r = (i / 42) * 255 / 5;
            g = ((i / 6) % 7) * 255 / 6;
            b = (i % 6) * 255 / 5;
        } else {
            r = g = b = 0;
        }
        out.push_back(static_cast<char>(r));
        out.push_back(static_cast<char>(g));
        out.push_back(static_cast<char>(b));
    }
    // Netscape application extension: loop forever.
    out += std::string("\x21\xFF\x0B" "NETSCAPE2.0" "\x03\x01\x00\x00\x00", 19);
    const int delay = std::max(1, static_cast<int>(std::lround(100.0 / (v.fps > 0.0 ? v.fps : 25.0))));
    const Eigen::Index pixels = v.height * v.width;
    constexpr int kClear = 256, kEnd = 257, kLiteralsPerClear = 250;
    for (Eigen::Index t = 0; t < v.frameCount(); ++t) {
        out += std::string("\x21\xF9\x04\x00", 4);  // graphic control extension, no transparency
        put16(out, delay);
        out += std::string("\x00\x00", 2);
        out.push_back(',');  // image descriptor at (0, 0), full size, no local table
        put16(out, 0);
        put16(out, 0);
        put16(out, static_cast<int>(v.width));
        put16(out, static_cast<int>(v.height));
        out.push_back('\0');
        out.push_back('\x08');  // LZW minimum code size
        // Every pixel is a literal code; the decoder adds one table entry per code after the first, so a
        // clear code every 250 literals (254 would be the limit) keeps the table below 512 entries and the
        // code width at 9 bits.
        CodeWriter w(out);
        const auto frame = v.frames.col(t);
        int sinceClear = 0;
        w.write(kClear);
        for (Eigen::Index p = 0; p < pixels; ++p) {
            if (sinceClear == kLiteralsPerClear) {
                w.write(kClear);
                sinceClear = 0;
            }
            w.write(paletteIndex(v, frame, p));
            ++sinceClear;
        }
        w.write(kEnd);
        w.finish();
    }
    out.push_back(';');
    return out;
}

void writeGif(const Video& video, const std::filesystem::path& file) { writeFileAtomic(file, encodeGif(video)); }

int writePngSequence(const Video& v, const std::filesystem::path& folder, const std::string& stem) {
    if (v.channels != 1 && v.channels != 3) throw Error("png sequence", "expected 1 or 3 channels, got " + std::to_string(v.channels));
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw Error(folder.string(), "cannot create the folder: " + ec.message());
    for (Eigen::Index t = 0; t < v.frameCount(); ++t) {
        const QImage img = frameImage(v.frames.col(t), v.geometry());
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        char name[32];
        std::snprintf(name, sizeof name, "_%05lld.png", static_cast<long long>(t));
        const std::filesystem::path file = folder / (stem + name);
        if (!img.save(&buffer, "PNG")) throw Error(file.string(), "PNG encoding failed");
        writeFileAtomic(file, std::string(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    }
    return static_cast<int>(v.frameCount());
}

}  // namespace sd::data
