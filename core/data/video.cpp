#include "core/data/video.h"

#include "core/common/error.h"
#include "core/data/hashing.h"

#include <QImage>
#include <QImageReader>
#include <QString>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>

namespace sd::data {

namespace fs = std::filesystem;
using Eigen::Index;
using Eigen::MatrixXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool isFrameFile(const fs::path& p) {
    const std::string ext = lower(p.extension().string());
    const std::string name = p.filename().string();
    return !name.empty() && name[0] != '.' && (ext == ".png" || ext == ".jpg" || ext == ".jpeg");
}

std::string sizeString(Index w, Index h) { return std::to_string(w) + "x" + std::to_string(h); }

// Area-averaging weights: R(o, i) = |[i, i+1) ∩ [o·s, (o+1)·s)| / s with s = in / out. Rows sum to 1.
MatrixXd areaWeights(Index in, Index out) {
    MatrixXd R = MatrixXd::Zero(out, in);
    const double s = static_cast<double>(in) / static_cast<double>(out);
    for (Index o = 0; o < out; ++o) {
        const double a = o * s, b = (o + 1) * s;
        for (Index i = static_cast<Index>(std::floor(a)); i < in && i < b; ++i) {
            const double overlap = std::min(b, double(i + 1)) - std::max(a, double(i));
            if (overlap > 0) R(o, i) = overlap / s;
        }
    }
    return R;
}

// Downscales one frame (C·H·W column) into dst (C·Ho·Wo).
void downscaleFrame(const double* src, Index C, Index H, Index W, const MatrixXd& Ry, const MatrixXd& Rx, double* dst) {
    const Index Ho = Ry.rows(), Wo = Rx.rows();
    for (Index c = 0; c < C; ++c) {
        const Eigen::Map<const RowMajor> img(src + c * H * W, H, W);
        Eigen::Map<RowMajor> out(dst + c * Ho * Wo, Ho, Wo);
        out.noalias() = Ry * img * Rx.transpose();
    }
}

void checkDownscaleTarget(const std::string& where, Index H, Index W, Index Ho, Index Wo) {
    if (Ho < 1 || Wo < 1) throw Error(where, "downscale target " + sizeString(Wo, Ho) + " must be at least 1x1");
    if (Ho > H || Wo > W)
        throw Error(where, "downscale target " + sizeString(Wo, Ho) + " (width x height) is larger than the frames (" +
                               sizeString(W, H) + "); only downscaling is supported");
}

// Frame decoding state shared by the sequence and GIF loaders.
class FrameSink {
public:
    FrameSink(const VideoLoadOptions& o, std::string where) : o_(o), where_(std::move(where)) {
        if (o.firstFrame < 0 || o.maxFrames < 0) throw Error(where_, "firstFrame and maxFrames must be >= 0");
        if ((o.height > 0) != (o.width > 0) || o.height < 0 || o.width < 0)
            throw Error(where_, "give both a downscale height and width (> 0), or neither");
    }

    /// Adds a decoded image; `file` names it in errors; `firstName` is what the first frame was called.
    void add(const QImage& decoded, const std::string& file) {
        const Index H = decoded.height(), W = decoded.width();
        if (frames_.empty()) {
            H_ = H;
            W_ = W;
            first_ = file;
            C_ = o_.color == VideoColor::Rgb ? 3 : 1;
            if (o_.height > 0) {
                checkDownscaleTarget(where_, H, W, o_.height, o_.width);
                Ry_ = areaWeights(H, o_.height);
                Rx_ = areaWeights(W, o_.width);
            }
        } else if (H != H_ || W != W_) {
            throw Error(file, "frame is " + sizeString(W, H) + " pixels, but the first frame (" + first_ + ") is " +
                                  sizeString(W_, H_) + "; all frames must have the same size");
        }
        const Index keptSize = C_ * (o_.height > 0 ? o_.height * o_.width : H * W);
        const auto keptBytes = static_cast<std::int64_t>(frames_.size() + 1) * keptSize * std::int64_t(sizeof(double));
        if (keptBytes > o_.maxFramesBytes)
            throw Error(file, "keeping " + std::to_string(frames_.size() + 1) + " frames of " + sizeString(W, H) +
                                  " pixels would take " + std::to_string(keptBytes >> 20) + " MB, over the video limit of " +
                                  std::to_string(o_.maxFramesBytes >> 20) +
                                  " MB; load fewer frames (maxFrames, --max-frames) or downscale while loading");
        const QImage img = decoded.convertToFormat(QImage::Format_RGB888);
        Eigen::VectorXd f(C_ * H * W);
        for (Index y = 0; y < H; ++y) {
            const uchar* line = img.constScanLine(static_cast<int>(y));
            for (Index x = 0; x < W; ++x) {
                const double r = line[3 * x] / 255.0, g = line[3 * x + 1] / 255.0, b = line[3 * x + 2] / 255.0;
                if (C_ == 3) {
                    f((0 * H + y) * W + x) = r;
                    f((1 * H + y) * W + x) = g;
                    f((2 * H + y) * W + x) = b;
                } else {
                    f(y * W + x) = std::clamp(0.299 * r + 0.587 * g + 0.114 * b, 0.0, 1.0);
                }
            }
        }
        if (o_.height > 0) {
            Eigen::VectorXd small(C_ * o_.height * o_.width);
            downscaleFrame(f.data(), C_, H, W, Ry_, Rx_, small.data());
            frames_.push_back(std::move(small));
        } else {
            frames_.push_back(std::move(f));
        }
    }

    Video finish(std::string name, std::string source, double fps) {
        if (frames_.empty()) throw Error(where_, "no frames");
        Video v;
        v.name = std::move(name);
        v.source = std::move(source);
        v.channels = C_;
        v.height = o_.height > 0 ? o_.height : H_;
        v.width = o_.width > 0 ? o_.width : W_;
        v.fps = fps;
        v.frames.resize(v.frameSize(), static_cast<Index>(frames_.size()));
        for (std::size_t k = 0; k < frames_.size(); ++k) v.frames.col(static_cast<Index>(k)) = frames_[k];
        return v;
    }

    /// Whether frame number k (0-based in the file order) is wanted, and whether more can be.
    bool wants(Index k) const { return k >= o_.firstFrame && !full(); }
    bool full() const { return o_.maxFrames > 0 && static_cast<Index>(frames_.size()) >= o_.maxFrames; }

private:
    VideoLoadOptions o_;
    std::string where_;
    std::vector<Eigen::VectorXd> frames_;
    Index C_ = 0, H_ = 0, W_ = 0;
    std::string first_;
    MatrixXd Ry_, Rx_;
};

QString qpath(const fs::path& p) { return QString::fromStdString(p.string()); }

// Refuses a frame whose header declares more pixels than the limit (before anything is decoded).
void checkFramePixels(const std::string& where, Index width, Index height, Index maxPixels) {
    if (width < 0 || height < 0 || (height > 0 && width > maxPixels / height))
        throw Error(where, "declares a frame of " + sizeString(width, height) + " pixels, more than the limit of " +
                               std::to_string(maxPixels) + " pixels; refused before decoding");
}

QImage readImage(const fs::path& file, Index maxPixels) {
    QImageReader reader(qpath(file));
    reader.setAutoTransform(false);
    if (!reader.canRead())
        throw Error(file.string(), "cannot read image: " +
                                       (reader.error() == QImageReader::UnsupportedFormatError
                                            ? std::string("not a PNG/JPEG image, or the file is corrupt")
                                            : reader.errorString().toStdString()));
    const QSize declared = reader.size();   // from the header; invalid when the format cannot tell
    if (declared.isValid()) checkFramePixels(file.string(), declared.width(), declared.height(), maxPixels);
    QImage img = reader.read();
    if (img.isNull()) throw Error(file.string(), "cannot decode image: " + reader.errorString().toStdString());
    return img;
}

// The GIF logical screen (bytes 6..9 of the header, little-endian width and height) is the size of every
// composited frame; it is checked before Qt's decoder allocates the canvas.
void checkGifCanvas(const fs::path& file, Index maxPixels) {
    std::ifstream in(file, std::ios::binary);
    unsigned char header[10] = {};
    if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return;   // too short: the decoder reports it
    if (std::memcmp(header, "GIF", 3) != 0) return;
    const Index width = header[6] | (header[7] << 8), height = header[8] | (header[9] << 8);
    checkFramePixels(file.string(), width, height, maxPixels);
}

Video mapFrames(const Video& v, Index C, Index H, Index W, const auto& perFrame) {
    Video out = v;
    out.channels = C;
    out.height = H;
    out.width = W;
    out.frames.resize(C * H * W, v.frameCount());
    for (Index t = 0; t < v.frameCount(); ++t) perFrame(v.frames.col(t).data(), out.frames.col(t).data());
    return out;
}

void checkVideo(const Video& v, const char* op) {
    if (v.frameSize() <= 0 || v.frames.rows() != v.frameSize())
        throw Error(std::string("video ") + op, "video \"" + v.name + "\" has frames of " + std::to_string(v.frames.rows()) +
                                                    " values, expected C*H*W = " + std::to_string(v.frameSize()));
}

}  // namespace

bool naturalLess(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
        if (da && db) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
            std::size_t is = i, js = j;   // strip leading zeros, then compare by length, then digits
            while (is + 1 < ie && a[is] == '0') ++is;
            while (js + 1 < je && b[js] == '0') ++js;
            if (ie - is != je - js) return ie - is < je - js;
            const int c = a.compare(is, ie - is, b, js, je - js);
            if (c != 0) return c < 0;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    if ((i < a.size()) != (j < b.size())) return i >= a.size();   // the prefix comes first
    return a < b;
}

std::vector<fs::path> listFrameFiles(const fs::path& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) throw Error(folder.string(), "video folder not found");
    if (!fs::is_directory(folder, ec)) throw Error(folder.string(), "not a folder of video frames");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file() && isFrameFile(e.path())) files.push_back(e.path());
    if (ec) throw Error(folder.string(), "cannot list the folder: " + ec.message());
    if (files.empty()) throw Error(folder.string(), "no video frames found (expected *.png, *.jpg or *.jpeg files)");
    std::sort(files.begin(), files.end(),
              [](const fs::path& x, const fs::path& y) { return naturalLess(x.filename().string(), y.filename().string()); });
    return files;
}

Video loadImageSequence(const fs::path& folder, const VideoLoadOptions& options) {
    const std::vector<fs::path> files = listFrameFiles(folder);
    FrameSink sink(options, folder.string());
    if (options.firstFrame >= static_cast<Index>(files.size()))
        throw Error(folder.string(), "first frame " + std::to_string(options.firstFrame) + " is past the last of " +
                                         std::to_string(files.size()) + " frames");
    for (std::size_t k = 0; k < files.size() && !sink.full(); ++k)
        if (sink.wants(static_cast<Index>(k))) sink.add(readImage(files[k], options.maxFramePixels), files[k].string());
    std::string name = folder.filename().string();
    if (name.empty()) name = folder.parent_path().filename().string();
    return sink.finish(name, folder.string(), 0.0);
}

Video loadGif(const fs::path& file, const VideoLoadOptions& options) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw Error(file.string(), "GIF file not found");
    checkGifCanvas(file, options.maxFramePixels);
    QImageReader reader(qpath(file));
    reader.setDecideFormatFromContent(true);
    if (!reader.canRead() || lower(reader.format().toStdString()) != "gif")
        throw Error(file.string(), "cannot read GIF: not a GIF image, or the file is corrupt");
    FrameSink sink(options, file.string());
    double fps = 0.0;
    Index k = 0;
    while (!sink.full()) {
        QImage img = reader.read();
        if (img.isNull()) {
            if (k == 0) throw Error(file.string(), "cannot decode GIF: " + reader.errorString().toStdString());
            break;   // end of the animation
        }
        if (k == 0 && reader.nextImageDelay() > 0) fps = 1000.0 / reader.nextImageDelay();
        if (sink.wants(k)) sink.add(img, file.string() + " frame " + std::to_string(k));
        ++k;
        if (!reader.canRead()) break;
    }
    if (options.firstFrame >= k && !sink.full())
        throw Error(file.string(), "first frame " + std::to_string(options.firstFrame) + " is past the last of " +
                                       std::to_string(k) + " frames");
    return sink.finish(file.stem().string(), file.string(), fps);
}

Video loadVideo(const fs::path& path, const VideoLoadOptions& options) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return loadImageSequence(path, options);
    if (!fs::exists(path, ec)) throw Error(path.string(), "video not found (expected a folder of frames or a .gif file)");
    if (lower(path.extension().string()) == ".gif") return loadGif(path, options);
    throw Error(path.string(), "not a video: expected a folder of PNG/JPG frames or a .gif file");
}

Video downscale(const Video& v, Index height, Index width) {
    checkVideo(v, "downscale");
    checkDownscaleTarget("video downscale", v.height, v.width, height, width);
    const MatrixXd Ry = areaWeights(v.height, height), Rx = areaWeights(v.width, width);
    return mapFrames(v, v.channels, height, width,
                     [&](const double* s, double* d) { downscaleFrame(s, v.channels, v.height, v.width, Ry, Rx, d); });
}

Video crop(const Video& v, Index top, Index left, Index height, Index width) {
    checkVideo(v, "crop");
    if (height < 1 || width < 1 || top < 0 || left < 0 || top + height > v.height || left + width > v.width)
        throw Error("video crop", "rows " + std::to_string(top) + ".." + std::to_string(top + height - 1) + ", columns " +
                                      std::to_string(left) + ".." + std::to_string(left + width - 1) +
                                      " are not inside the " + sizeString(v.width, v.height) + " frames");
    return mapFrames(v, v.channels, height, width, [&](const double* s, double* d) {
        for (Index c = 0; c < v.channels; ++c)
            for (Index y = 0; y < height; ++y)
                for (Index x = 0; x < width; ++x)
                    d[(c * height + y) * width + x] = s[(c * v.height + top + y) * v.width + left + x];
    });
}

Video cropCenter(const Video& v, Index height, Index width) {
    checkVideo(v, "crop");
    return crop(v, (v.height - height) / 2, (v.width - width) / 2, height, width);
}

Video cropCenterSquare(const Video& v) {
    const Index s = std::min(v.height, v.width);
    return cropCenter(v, s, s);
}

Video sliceFrames(const Video& v, Index first, Index count) {
    if (first < 0 || count < 1 || first + count > v.frameCount())
        throw Error("video frames", "frames " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                                        " are not inside the video's " + std::to_string(v.frameCount()) + " frames");
    Video out = v;
    out.frames = v.frames.middleCols(first, count);
    return out;
}

Video toGray(const Video& v) {
    checkVideo(v, "toGray");
    if (v.channels == 1) return v;
    if (v.channels != 3) throw Error("video toGray", "expected 1 or 3 channels, found " + std::to_string(v.channels));
    const Index P = v.height * v.width;
    return mapFrames(v, 1, v.height, v.width, [&](const double* s, double* d) {
        for (Index k = 0; k < P; ++k) d[k] = std::clamp(0.299 * s[k] + 0.587 * s[P + k] + 0.114 * s[2 * P + k], 0.0, 1.0);
    });
}

FramePairs framePairs(const Video& v) {
    if (v.frameCount() < 2)
        throw Error("video frame pairs", "video \"" + v.name + "\" has " + std::to_string(v.frameCount()) +
                                             " frame(s); pairs need at least 2");
    std::vector<Index> t(static_cast<std::size_t>(v.frameCount() - 1));
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<Index>(i);
    return framePairs(v, t);
}

FramePairs framePairs(const Video& v, const std::vector<Index>& t) {
    FramePairs p;
    p.current.resize(v.frames.rows(), static_cast<Index>(t.size()));
    p.next.resize(v.frames.rows(), static_cast<Index>(t.size()));
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] < 0 || t[i] + 1 >= v.frameCount())
            throw Error("video frame pairs", "pair start " + std::to_string(t[i]) + " is not in 0.." +
                                                 std::to_string(v.frameCount() - 2) + " (video \"" + v.name + "\" has " +
                                                 std::to_string(v.frameCount()) + " frames)");
        p.current.col(static_cast<Index>(i)) = v.frames.col(t[i]);
        p.next.col(static_cast<Index>(i)) = v.frames.col(t[i] + 1);
    }
    p.t = t;
    return p;
}

// ---- Dataset conversion ----------------------------------------------------------------------------------------

std::vector<std::string> videoPixelNames(Index C, Index H, Index W) {
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(C * H * W));
    for (Index c = 0; c < C; ++c)
        for (Index y = 0; y < H; ++y)
            for (Index x = 0; x < W; ++x)
                names.push_back("c" + std::to_string(c) + "_y" + std::to_string(y) + "_x" + std::to_string(x));
    return names;
}

Dataset videoToDataset(const Video& v, const std::string& trajectoryId) {
    checkVideo(v, "to dataset");
    Dataset ds;
    ds.name = v.name;
    ds.source = v.source;
    ds.stateNames = videoPixelNames(v.channels, v.height, v.width);
    ds.dt = v.fps > 0.0 ? 1.0 / v.fps : 0.0;
    Trajectory tr;
    tr.id = trajectoryId;
    tr.t = Eigen::VectorXd::LinSpaced(v.frameCount(), 0.0, double(v.frameCount() - 1));
    if (ds.dt > 0.0) tr.t *= ds.dt;
    tr.x = v.frames;
    ds.trajectories.push_back(std::move(tr));
    ds.splits["train"] = {0};
    return ds;
}

namespace {

// Parses "c<c>_y<y>_x<x>"; false if the name does not have that form.
bool parsePixelName(const std::string& s, Index& c, Index& y, Index& x) {
    long long a = 0, b = 0, d = 0;
    int used = 0;
    if (std::sscanf(s.c_str(), "c%lld_y%lld_x%lld%n", &a, &b, &d, &used) != 3 || used != static_cast<int>(s.size()))
        return false;
    c = a;
    y = b;
    x = d;
    return true;
}

}  // namespace

std::optional<FrameGeometry> frameGeometryOf(const std::vector<std::string>& names) {
    if (names.empty() || names.front() != "c0_y0_x0") return std::nullopt;
    Index C, H, W;
    if (!parsePixelName(names.back(), C, H, W)) return std::nullopt;
    ++C;
    ++H;
    ++W;
    if (C * H * W != static_cast<Index>(names.size())) return std::nullopt;
    // Spot-check the layout at the channel and row boundaries (the full list is C·H·W strings).
    for (Index c = 0; c < C; ++c)
        for (Index k : {Index(0), W - 1, W}) {
            const Index i = c * H * W + k;
            if (i >= static_cast<Index>(names.size())) continue;
            Index pc, py, px;
            if (!parsePixelName(names[static_cast<std::size_t>(i)], pc, py, px) || pc != c || py != k / W || px != k % W)
                return std::nullopt;
        }
    return FrameGeometry{C, H, W};
}

bool isVideoDataset(const Dataset& ds) { return frameGeometryOf(ds.stateNames).has_value(); }

Video videoFromDataset(const Dataset& ds, std::size_t trajectory) {
    const std::optional<FrameGeometry> g = frameGeometryOf(ds.stateNames);
    if (!g)
        throw Error("dataset " + ds.name, "not a video dataset (state names are not the pixels c0_y0_x0 … of a frame)");
    if (trajectory >= ds.trajectories.size())
        throw Error("dataset " + ds.name, "no trajectory " + std::to_string(trajectory) + " (it has " +
                                              std::to_string(ds.trajectories.size()) + ")");
    const Trajectory& tr = ds.trajectories[trajectory];
    Video v;
    v.name = ds.name;
    v.source = ds.source;
    v.channels = g->channels;
    v.height = g->height;
    v.width = g->width;
    v.fps = ds.dt > 0.0 ? 1.0 / ds.dt : 0.0;
    v.frames = tr.x;
    if (v.frames.rows() != v.frameSize())
        throw Error("dataset " + ds.name, "trajectory \"" + tr.id + "\" has " + std::to_string(tr.x.rows()) +
                                              " state rows, expected " + std::to_string(v.frameSize()));
    return v;
}

FrameFolderDigest digestFrameFolder(const fs::path& folder) {
    FrameFolderDigest d;
    std::string lines;
    for (const fs::path& f : listFrameFiles(folder)) {
        std::error_code ec;
        const auto size = fs::file_size(f, ec);
        if (ec) throw Error(f.string(), "cannot read the file size: " + ec.message());
        d.bytes += static_cast<std::int64_t>(size);
        lines += f.filename().string() + " " + sha256File(f) + "\n";
        ++d.files;
    }
    d.sha256 = sha256Bytes(lines);
    return d;
}

}  // namespace sd::data
