// Video data: frame folders in natural order, animated GIF, RGB/gray conversion and the frame layout,
// area-averaging downscale, crops, frame pairs, the generated ripple texture, Dataset conversion, the
// registry's "video" loader (folder digests, generated video entries) and the real textures in
// ../shared/data/video_textures (skipped when absent). Every failure is an sd::Error naming the file.
#include "core/data/dataset_validate.h"
#include "core/data/hashing.h"
#include "core/data/registry.h"
#include "core/data/video.h"
#include "core/systems/generator_registry.h"
#include "core/systems/ripple_texture.h"
#include "data_test_util.h"
#include "test_support.h"

#include "core/common/rng.h"

#include <QImage>

#include <array>
#include <fstream>

using namespace sd::data;
using sd::systems::generateRippleTexture;
using sd::systems::RippleTextureOptions;
using sd::systems::generateVideo;
using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Pixel (x, y) of test frame k: distinct, exactly representable 8-bit values per channel.
int red(int k, int x, int y) { return (10 * k + 7 * x + y) % 256; }
int green(int k, int x, int y) { return (50 + 3 * k + 20 * y + x) % 256; }
int blue(int, int x, int y) { return 255 - 9 * x - 2 * y; }

QImage testImage(int k, int W, int H) {
    QImage img(W, H, QImage::Format_RGB888);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) img.setPixelColor(x, y, QColor(red(k, x, y), green(k, x, y), blue(k, x, y)));
    return img;
}

fs::path makeDir(const QTemporaryDir& root, const std::string& name) {
    const fs::path p = fs::path(root.path().toStdString()) / name;
    fs::create_directories(p);
    return p;
}

void savePng(const QImage& img, const fs::path& p) { QVERIFY(img.save(QString::fromStdString(p.string()), "PNG")); }

// A minimal animated GIF89a writer (4-colour global palette, frames of palette indices, fixed 3-bit LZW
// codes: a clear code before every 2 pixels keeps the code table from growing).
std::string makeGif(int W, int H, const std::vector<std::array<std::uint8_t, 3>>& palette,
                    const std::vector<std::vector<std::uint8_t>>& frames, int delayCs) {
    std::string g = "GIF89a";
    auto u16 = [&](int v) { g += char(v & 0xff); g += char((v >> 8) & 0xff); };
    u16(W);
    u16(H);
    g += char(0xF1);   // global colour table, 2 bits of colour resolution... size 2^(1+1) = 4 entries
    g += char(0);
    g += char(0);
    for (const auto& c : palette) g.append(reinterpret_cast<const char*>(c.data()), 3);
    g += "\x21\xFF\x0BNETSCAPE2.0\x03\x01";
    u16(0);
    g += char(0);
    for (const auto& f : frames) {
        g += "\x21\xF9\x04";
        g += char(0x04);   // disposal: do not dispose
        u16(delayCs);
        g += char(0);
        g += char(0);
        g += char(0x2C);
        u16(0);
        u16(0);
        u16(W);
        u16(H);
        g += char(0);
        g += char(2);   // LZW minimum code size
        std::vector<int> codes;
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (i % 2 == 0) codes.push_back(4);   // clear
            codes.push_back(f[i]);
        }
        codes.push_back(5);   // end of information
        std::string bytes;
        unsigned acc = 0;
        int nbits = 0;
        for (int c : codes) {
            acc |= unsigned(c) << nbits;
            nbits += 3;
            while (nbits >= 8) {
                bytes += char(acc & 0xff);
                acc >>= 8;
                nbits -= 8;
            }
        }
        if (nbits > 0) bytes += char(acc & 0xff);
        for (std::size_t i = 0; i < bytes.size(); i += 255) {
            const std::size_t n = std::min<std::size_t>(255, bytes.size() - i);
            g += char(n);
            g += bytes.substr(i, n);
        }
        g += char(0);
    }
    g += char(0x3B);
    return g;
}

double px(const Video& v, Index t, Index c, Index y, Index x) { return v.frames((c * v.height + y) * v.width + x, t); }

json videoManifest(const std::string& sha, std::int64_t bytes) {
    json j = json::parse(R"({
      "format": "stabledyn-benchmark", "schema_version": 1,
      "name": "tiny-video", "title": "Tiny video", "kind": "shipped",
      "files": [{"id": "f", "path": "frames"}],
      "loader": {"type": "video"},
      "sample_rate_hz": 10,
      "trajectories": [{"id": "clip", "file": "f"}],
      "splits": {"train": ["clip"]}
    })");
    if (!sha.empty()) j["files"][0]["sha256"] = sha;
    if (bytes >= 0) j["files"][0]["bytes"] = bytes;
    return j;
}

}  // namespace

class TestVideo : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void naturalOrder() {
        QVERIFY(naturalLess("frame2.png", "frame10.png"));
        QVERIFY(!naturalLess("frame10.png", "frame2.png"));
        QVERIFY(naturalLess("a9", "b1"));
        QVERIFY(naturalLess("img_007.jpg", "img_10.jpg"));
        QVERIFY(naturalLess("x", "x1"));
        QVERIFY(naturalLess("01", "1") != naturalLess("1", "01"));   // total order on ties
        const fs::path d = makeDir(dir_, "order");
        for (const char* n : {"f10.png", "f2.png", "f1.PNG", "f3.jpeg", "notes.txt", ".hidden.png"})
            std::ofstream(d / n) << "x";
        fs::create_directories(d / "f0.png");   // a folder named like a frame is not a frame
        const auto files = listFrameFiles(d);
        QCOMPARE(files.size(), std::size_t(4));
        QCOMPARE(files[0].filename().string(), std::string("f1.PNG"));
        QCOMPARE(files[1].filename().string(), std::string("f2.png"));
        QCOMPARE(files[2].filename().string(), std::string("f3.jpeg"));
        QCOMPARE(files[3].filename().string(), std::string("f10.png"));
    }

    void imageSequenceValuesAndLayout() {
        const fs::path d = makeDir(dir_, "seq");
        const int W = 5, H = 3;
        // Written out of order; natural order is f1, f2, f10 → frames k = 0, 1, 2.
        savePng(testImage(2, W, H), d / "f10.png");
        savePng(testImage(0, W, H), d / "f1.png");
        savePng(testImage(1, W, H), d / "f2.png");
        const Video v = loadImageSequence(d);
        QCOMPARE(v.channels, Index(3));
        QCOMPARE(v.height, Index(3));
        QCOMPARE(v.width, Index(5));
        QCOMPARE(v.frameCount(), Index(3));
        QCOMPARE(v.frames.rows(), Index(45));
        QCOMPARE(v.fps, 0.0);
        QCOMPARE(v.name, std::string("seq"));
        for (int k = 0; k < 3; ++k)
            for (int y = 0; y < H; ++y)
                for (int x = 0; x < W; ++x) {
                    QCOMPARE(px(v, k, 0, y, x), red(k, x, y) / 255.0);
                    QCOMPARE(px(v, k, 1, y, x), green(k, x, y) / 255.0);
                    QCOMPARE(px(v, k, 2, y, x), blue(k, x, y) / 255.0);
                }
        QCOMPARE(v.frames((2 * 3 + 1) * 5 + 4, 2), blue(2, 4, 1) / 255.0);   // (c·H + y)·W + x
        QVERIFY(v.frames.minCoeff() >= 0.0 && v.frames.maxCoeff() <= 1.0);

        VideoLoadOptions gray;
        gray.color = VideoColor::Gray;
        gray.firstFrame = 1;
        gray.maxFrames = 1;
        const Video g = loadImageSequence(d, gray);
        QCOMPARE(g.channels, Index(1));
        QCOMPARE(g.frameCount(), Index(1));
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x)
                QVERIFY(std::abs(px(g, 0, 0, y, x) - (0.299 * red(1, x, y) + 0.587 * green(1, x, y) + 0.114 * blue(1, x, y)) / 255.0) < 1e-12);
        QVERIFY((toGray(v).frames.col(1) - g.frames.col(0)).norm() < 1e-12);
    }

    void jpegFramesDecode() {
        const fs::path d = makeDir(dir_, "jpg");
        QImage img(16, 8, QImage::Format_RGB888);
        img.fill(QColor(200, 40, 120));
        QVERIFY(img.save(QString::fromStdString((d / "0.jpg").string()), "JPEG", 100));
        QVERIFY(img.save(QString::fromStdString((d / "1.JPG").string()), "JPEG", 100));
        const Video v = loadVideo(d);
        QCOMPARE(v.frameCount(), Index(2));
        QCOMPARE(v.width, Index(16));
        QVERIFY(std::abs(px(v, 1, 0, 4, 7) - 200 / 255.0) < 4 / 255.0);
        QVERIFY(std::abs(px(v, 1, 1, 4, 7) - 40 / 255.0) < 4 / 255.0);
        QVERIFY(std::abs(px(v, 0, 2, 4, 7) - 120 / 255.0) < 4 / 255.0);
    }

    void animatedGif() {
        const int W = 4, H = 3;
        const std::vector<std::array<std::uint8_t, 3>> pal = {{{0, 0, 0}}, {{255, 0, 0}}, {{0, 255, 0}}, {{10, 20, 250}}};
        std::vector<std::vector<std::uint8_t>> frames(3, std::vector<std::uint8_t>(W * H));
        for (int k = 0; k < 3; ++k)
            for (int i = 0; i < W * H; ++i) frames[k][i] = static_cast<std::uint8_t>((i + k) % 4);
        const fs::path gif = sd::test::writeText(dir_, "anim.gif", makeGif(W, H, pal, frames, 4));
        const Video v = loadVideo(gif);
        QCOMPARE(v.frameCount(), Index(3));
        QCOMPARE(v.height, Index(3));
        QCOMPARE(v.width, Index(4));
        QCOMPARE(v.fps, 25.0);   // 4/100 s per frame
        for (int k = 0; k < 3; ++k)
            for (int i = 0; i < W * H; ++i) {
                const auto& c = pal[(i + k) % 4];
                for (int ch = 0; ch < 3; ++ch) QCOMPARE(px(v, k, ch, i / W, i % W), c[ch] / 255.0);
            }
        VideoLoadOptions o;
        o.firstFrame = 1;
        o.maxFrames = 1;
        const Video one = loadGif(gif, o);
        QCOMPARE(one.frameCount(), Index(1));
        QCOMPARE(one.frames.col(0), v.frames.col(1));
        // A PNG renamed .gif is not a GIF.
        const fs::path fake = fs::path(dir_.path().toStdString()) / "fake.gif";
        savePng(testImage(0, 3, 3), fake);
        SD_EXPECT_ERROR(loadGif(fake), "fake.gif", "not a GIF");
    }

    void errorsNameTheFile() {
        SD_EXPECT_ERROR(loadImageSequence(fs::path(dir_.path().toStdString()) / "nope"), "nope", "video folder not found");
        const fs::path empty = makeDir(dir_, "empty");
        std::ofstream(empty / "readme.txt") << "no frames here";
        SD_EXPECT_ERROR(loadImageSequence(empty), "empty", "no video frames found");

        const fs::path corrupt = makeDir(dir_, "corrupt");
        savePng(testImage(0, 4, 4), corrupt / "000.png");
        sd::test::writeText(dir_, "corrupt/001.png", "this is not a PNG file at all");
        SD_EXPECT_ERROR(loadImageSequence(corrupt), "001.png", "cannot read image");
        // A truncated PNG: a valid header, then nothing.
        const fs::path trunc = makeDir(dir_, "trunc");
        savePng(testImage(0, 8, 8), trunc / "000.png");
        {
            std::ifstream in(trunc / "000.png", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(trunc / "001.png", std::ios::binary) << bytes.substr(0, 40);
        }
        SD_EXPECT_ERROR(loadImageSequence(trunc), "001.png");

        const fs::path sizes = makeDir(dir_, "sizes");
        savePng(testImage(0, 4, 4), sizes / "000.png");
        savePng(testImage(1, 4, 4), sizes / "001.png");
        savePng(testImage(2, 5, 4), sizes / "002.png");
        SD_EXPECT_ERROR(loadImageSequence(sizes), "002.png", "5x4", "000.png", "4x4", "same size");

        const fs::path txt = sd::test::writeText(dir_, "clip.txt", "x");
        SD_EXPECT_ERROR(loadVideo(txt), "clip.txt", "not a video");
        SD_EXPECT_ERROR(loadVideo(fs::path(dir_.path().toStdString()) / "missing.gif"), "missing.gif", "not found");
        VideoLoadOptions past;
        past.firstFrame = 3;
        SD_EXPECT_ERROR(loadImageSequence(sizes, past), "first frame 3");
        VideoLoadOptions up;
        up.height = 8;
        up.width = 8;
        SD_EXPECT_ERROR(loadImageSequence(sizes, up), "larger than the frames");
    }

    void downscaleAveragesAreas() {
        Video v;
        v.name = "t";
        v.channels = 2;
        v.height = 4;
        v.width = 6;
        sd::Rng rng(3);
        v.frames = rng.uniformMatrix(48, 3, 0.0, 1.0);
        // Integer factor: exact 2×2 block means.
        const Video s = downscale(v, 2, 3);
        QCOMPARE(s.frameSize(), Index(12));
        for (Index t = 0; t < 3; ++t)
            for (Index c = 0; c < 2; ++c)
                for (Index y = 0; y < 2; ++y)
                    for (Index x = 0; x < 3; ++x) {
                        const double mean = (px(v, t, c, 2 * y, 2 * x) + px(v, t, c, 2 * y + 1, 2 * x) +
                                             px(v, t, c, 2 * y, 2 * x + 1) + px(v, t, c, 2 * y + 1, 2 * x + 1)) / 4.0;
                        QVERIFY(std::abs(px(s, t, c, y, x) - mean) < 1e-14);
                    }
        // Non-integer factor 5 → 2 (each output covers 2.5 source pixels): (a + b + c/2)/2.5 and (c/2 + d + e)/2.5.
        Video row;
        row.channels = 1;
        row.height = 1;
        row.width = 5;
        row.frames.resize(5, 1);
        row.frames << 1, 2, 3, 4, 5;
        const Video r = downscale(row, 1, 2);
        QVERIFY(std::abs(r.frames(0, 0) - (1 + 2 + 1.5) / 2.5) < 1e-14);
        QVERIFY(std::abs(r.frames(1, 0) - (1.5 + 4 + 5) / 2.5) < 1e-14);
        // Averaging keeps the mean for exact tilings and keeps constants constant.
        QVERIFY(std::abs(s.frames.mean() - v.frames.mean()) < 1e-14);
        Video flat = v;
        flat.frames.setConstant(0.3);
        QVERIFY((downscale(flat, 3, 5).frames.array() - 0.3).abs().maxCoeff() < 1e-14);
        SD_EXPECT_ERROR(downscale(v, 5, 6), "video downscale", "larger than the frames");
        SD_EXPECT_ERROR(downscale(v, 0, 2), "video downscale", "at least 1x1");
    }

    void downscaleWhileLoadingEqualsAfter() {
        const fs::path d = makeDir(dir_, "big");
        for (int k = 0; k < 2; ++k) savePng(testImage(k, 9, 7), d / (std::to_string(k) + ".png"));
        VideoLoadOptions o;
        o.height = 3;
        o.width = 4;
        const Video a = loadImageSequence(d, o);
        const Video b = downscale(loadImageSequence(d), 3, 4);
        QCOMPARE(a.height, Index(3));
        QCOMPARE(a.width, Index(4));
        QVERIFY((a.frames - b.frames).lpNorm<Eigen::Infinity>() < 1e-14);
    }

    void cropsAndPairs() {
        Video v;
        v.name = "ramp";
        v.channels = 2;
        v.height = 3;
        v.width = 5;
        v.frames.resize(30, 4);
        for (Index t = 0; t < 4; ++t)
            for (Index i = 0; i < 30; ++i) v.frames(i, t) = 1000.0 * t + i;
        const Video c = crop(v, 1, 2, 2, 3);
        QCOMPARE(c.height, Index(2));
        QCOMPARE(c.width, Index(3));
        for (Index t = 0; t < 4; ++t)
            for (Index ch = 0; ch < 2; ++ch)
                for (Index y = 0; y < 2; ++y)
                    for (Index x = 0; x < 3; ++x) QCOMPARE(px(c, t, ch, y, x), px(v, t, ch, y + 1, x + 2));
        const Video sq = cropCenterSquare(v);   // 3×3 from column 1
        QCOMPARE(sq.width, Index(3));
        QCOMPARE(px(sq, 2, 1, 0, 0), px(v, 2, 1, 0, 1));
        QCOMPARE(px(cropCenter(v, 1, 2), 0, 0, 0, 0), px(v, 0, 0, 1, 1));
        SD_EXPECT_ERROR(crop(v, 2, 0, 2, 5), "video crop", "not inside");
        SD_EXPECT_ERROR(cropCenter(v, 4, 4), "video crop");

        const FramePairs all = framePairs(v);
        QCOMPARE(all.current.cols(), Index(3));
        for (Index i = 0; i < 3; ++i) {
            QCOMPARE(all.current.col(i), v.frames.col(i));
            QCOMPARE(all.next.col(i), v.frames.col(i + 1));
        }
        const FramePairs some = framePairs(v, {2, 0});
        QCOMPARE(some.next(0, 0), 3000.0);
        QCOMPARE(some.current(0, 1), 0.0);
        SD_EXPECT_ERROR(framePairs(v, {3}), "video frame pairs", "pair start 3");
        SD_EXPECT_ERROR(framePairs(sliceFrames(v, 3, 1)), "video frame pairs", "at least 2");
        const Video win = sliceFrames(v, 1, 2);
        QCOMPARE(win.frames(0, 0), 1000.0);
        SD_EXPECT_ERROR(sliceFrames(v, 3, 2), "video frames", "not inside");
    }

    void rippleTextureIsDeterministicAndAlive() {
        RippleTextureOptions o;
        o.height = 32;
        o.width = 40;
        o.frames = 120;
        o.seed = 5;
        const Video a = generateRippleTexture(o), b = generateRippleTexture(o);
        QCOMPARE(a.frames.rows(), Index(3 * 32 * 40));
        QCOMPARE(a.frameCount(), Index(120));
        QCOMPARE(a.fps, 25.0);
        QVERIFY(a.frames == b.frames);   // bit-identical for a seed
        o.seed = 6;
        QVERIFY((generateRippleTexture(o).frames - a.frames).cwiseAbs().maxCoeff() > 0.05);
        QVERIFY(a.frames.minCoeff() >= 0.0 && a.frames.maxCoeff() <= 1.0);
        // Neither static nor dying out: frame-to-frame change and spatial contrast in both halves.
        for (Index start : {Index(0), Index(60)}) {
            double change = 0.0, contrast = 0.0;
            for (Index t = start; t < start + 59; ++t) {
                change += (a.frames.col(t + 1) - a.frames.col(t)).cwiseAbs().mean();
                const Eigen::VectorXd f = a.frames.col(t);
                contrast += std::sqrt((f.array() - f.mean()).square().mean());
            }
            QVERIFY2(change / 59 > 2e-3, qPrintable(QString("mean |change| %1").arg(change / 59)));
            QVERIFY2(contrast / 59 > 0.02, qPrintable(QString("mean contrast %1").arg(contrast / 59)));
        }
        // And it is a dynamic texture, not noise: consecutive frames are much closer than distant ones.
        const double near = (a.frames.col(51) - a.frames.col(50)).norm(), far = (a.frames.col(110) - a.frames.col(50)).norm();
        QVERIFY2(near < 0.7 * far, qPrintable(QString("near %1 far %2").arg(near).arg(far)));

        const Video g = generateVideo("ripples", json{{"height", 16}, {"width", 16}, {"frames", 5}, {"channels", 1}, {"seed", 3}});
        QCOMPARE(g.channels, Index(1));
        QCOMPARE(g.frameCount(), Index(5));
        SD_EXPECT_ERROR(generateVideo("ripples", json{{"colour", 1}}), "generate ripples: colour", "unknown parameter");
        SD_EXPECT_ERROR(generateVideo("ripples", json{{"frames", "many"}}), "generate ripples: frames");
        SD_EXPECT_ERROR(generateVideo("ripples", json{{"channels", 2}}), "generate ripples: channels");
        SD_EXPECT_ERROR(generateVideo("fire", json::object()), "generate fire", "unknown video generator");
    }

    void datasetRoundTrip() {
        RippleTextureOptions o;
        o.height = 6;
        o.width = 7;
        o.frames = 4;
        o.warmup = 10;
        const Video v = generateRippleTexture(o);
        const Dataset ds = videoToDataset(v, "clip");
        validateDataset(ds, "test");
        QCOMPARE(ds.stateNames.size(), std::size_t(3 * 6 * 7));
        QCOMPARE(ds.stateNames[1 * 42 + 2 * 7 + 3], std::string("c1_y2_x3"));
        QCOMPARE(ds.dt, 0.04);
        QCOMPARE(ds.trajectories[0].t(3), 0.12);
        QVERIFY(isVideoDataset(ds));
        const Video back = videoFromDataset(ds);
        QCOMPARE(back.channels, Index(3));
        QCOMPARE(back.height, Index(6));
        QCOMPARE(back.width, Index(7));
        QCOMPARE(back.fps, 25.0);
        QVERIFY(back.frames == v.frames);
        Dataset plain = ds;
        plain.stateNames[0] = "theta";
        QVERIFY(!isVideoDataset(plain));
        SD_EXPECT_ERROR(videoFromDataset(plain), "not a video dataset");
        plain = ds;
        std::swap(plain.stateNames[7], plain.stateNames[8]);   // layout broken at a row boundary
        QVERIFY(!isVideoDataset(plain));
    }

    void registryVideoFolderWithDigest() {
        QTemporaryDir d;
        const fs::path frames = fs::path(d.path().toStdString()) / "frames";
        fs::create_directories(frames);
        for (int k = 0; k < 3; ++k) savePng(testImage(k, 6, 4), frames / ("f" + std::to_string(k + 1) + ".png"));
        std::ofstream(frames / "README.txt") << "ignored";
        const FrameFolderDigest dig = digestFrameFolder(frames);
        QCOMPARE(dig.files, std::size_t(3));
        // The documented definition: SHA-256 of "<name> <sha256>\n" lines in natural order, total bytes.
        std::string lines;
        std::int64_t bytes = 0;
        for (const char* n : {"f1.png", "f2.png", "f3.png"}) {
            lines += std::string(n) + " " + sha256File(frames / n) + "\n";
            bytes += static_cast<std::int64_t>(fs::file_size(frames / n));
        }
        QCOMPARE(dig.sha256, sha256Bytes(lines));
        QCOMPARE(dig.bytes, bytes);

        const fs::path mp = sd::test::writeText(d, "tiny-video.json", videoManifest(dig.sha256, dig.bytes).dump());
        const Dataset ds = loadBenchmark(loadManifest(mp), {});
        QVERIFY(isVideoDataset(ds));
        QCOMPARE(ds.dt, 0.1);
        QCOMPARE(ds.sha256, dig.sha256);
        QCOMPARE(ds.trajectories.at(0).id, std::string("clip"));
        QCOMPARE(ds.splits.at("train"), std::vector<int>{0});
        const Video v = videoFromDataset(ds);
        QCOMPARE(v.frameCount(), Index(3));
        QCOMPARE(v.width, Index(6));
        QCOMPARE(px(v, 2, 0, 1, 3), red(2, 3, 1) / 255.0);

        // A changed frame, a missing frame: both caught before loading.
        sd::test::writeText(d, "tiny-video.json", videoManifest(std::string(64, 'b'), dig.bytes).dump());
        SD_EXPECT_ERROR(loadBenchmark(loadManifest(mp), {}), "frames", "SHA-256 mismatch", "3 frames");
        sd::test::writeText(d, "tiny-video.json", videoManifest(dig.sha256, dig.bytes).dump());
        fs::remove(frames / "f3.png");
        SD_EXPECT_ERROR(loadBenchmark(loadManifest(mp), {}), "frames", "size mismatch", "2 frames");
        // Gray through the manifest; bad colour names the field.
        json j = videoManifest("", -1);
        j["loader"]["color"] = "gray";
        sd::test::writeText(d, "tiny-video.json", j.dump());
        QCOMPARE(videoFromDataset(loadBenchmark(loadManifest(mp), {})).channels, Index(1));
        j["loader"]["color"] = "sepia";
        sd::test::writeText(d, "tiny-video.json", j.dump());
        SD_EXPECT_ERROR(loadManifest(mp), "tiny-video.json: loader.color", "sepia");
        j["loader"]["color"] = "rgb";
        j["loader"]["type"] = "csv";
        sd::test::writeText(d, "tiny-video.json", j.dump());
        SD_EXPECT_ERROR(loadManifest(mp), "tiny-video.json: loader.color", "only for loader type \"video\"");
        // A folder is not a file for the other loaders.
        json c = videoManifest("", -1);
        c["loader"] = json{{"type", "dataset-json"}};
        sd::test::writeText(d, "tiny-video.json", c.dump());
        SD_EXPECT_ERROR(loadBenchmark(loadManifest(mp), {}), "not available", "frames not found");
    }

    void shippedVideoManifests() {
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        for (const char* name : {"video-candle", "video-fire-pot", "video-sea-waves", "video-boiling-water"}) {
            const auto* m = findBenchmark(reg, name);
            QVERIFY2(m, name);
            QVERIFY(m->kind == BenchmarkKind::External);
            QCOMPARE(m->loader.type, std::string("video"));
            QCOMPARE(m->files.size(), std::size_t(1));
            QCOMPARE(m->files[0].sha256.size(), std::size_t(64));
        }
        QCOMPARE(findBenchmark(reg, "video-fire-pot")->dt, 0.04);
        QCOMPARE(findBenchmark(reg, "video-candle")->dt, 0.0);
        // Missing data says where to get it.
        const auto* candle = findBenchmark(reg, "video-candle");
        SD_EXPECT_ERROR(loadBenchmark(*candle, {dir_.path().toStdString()}), "video-candle.json", "not available",
                        "video_textures/candle not found", "max-kazak/CP_video_textures");
        // The generated texture comes through the same generator path as every generated set (the systems
        // module's manifest generator, as the catalog passes it).
        const auto* gen = findBenchmark(reg, "video-ripples");
        QVERIFY(gen);
        QVERIFY(gen->kind == BenchmarkKind::Generated);
        LoadBenchmarkOptions withGenerator;
        withGenerator.generator = sd::systems::generateForManifest;
        SD_EXPECT_ERROR(loadBenchmark(*gen, {}), "video-ripples.json", "needs generator \"ripples\"");
        const Dataset ds = loadBenchmark(*gen, {}, withGenerator);
        const Video v = videoFromDataset(ds);
        QCOMPARE(v.channels, Index(3));
        QCOMPARE(v.height, Index(64));
        QCOMPARE(v.width, Index(64));
        QCOMPARE(v.frameCount(), Index(300));
        QCOMPARE(ds.dt, 0.04);
        QCOMPARE(ds.name, std::string("video-ripples"));
        QCOMPARE(ds.split("train").size(), std::size_t(1));
        QCOMPARE(loadBenchmark(*gen, {}, withGenerator).sha256, ds.sha256);   // deterministic
    }

    void realTexturesViaRegistry() {
        SD_REQUIRE_SHARED_FILE(f, "video_textures/candle/000.png");
        const std::vector<fs::path> roots{sd::test::sharedDataDir()};
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        for (const char* name : {"video-candle", "video-fire-pot", "video-sea-waves", "video-boiling-water"})
            QVERIFY2(checkAvailability(*findBenchmark(reg, name), roots).available, name);
        // Full load with checksum verification (the folder digest recomputed here must match the manifest).
        const Dataset ds = loadBenchmark(*findBenchmark(reg, "video-candle"), roots);
        const Video v = videoFromDataset(ds);
        QCOMPARE(v.frameCount(), Index(100));
        QCOMPARE(v.channels, Index(3));
        QCOMPARE(v.height, Index(144));
        QCOMPARE(v.width, Index(144));
        QVERIFY(v.frames.minCoeff() >= 0.0 && v.frames.maxCoeff() <= 1.0);
        for (Index t = 0; t + 1 < v.frameCount(); ++t) QVERIFY((v.frames.col(t + 1) - v.frames.col(t)).cwiseAbs().maxCoeff() > 0.0);
        // A flame on a dark background: mostly dark, with some bright pixels.
        QVERIFY(v.frames.mean() < 0.5);
        QVERIFY(v.frames.maxCoeff() > 0.9);
        // JPEG frames, downscaled while loading and cropped to the training size.
        VideoLoadOptions o;
        o.maxFrames = 12;
        o.height = 72;
        o.width = 88;
        const Video sea = cropCenter(loadImageSequence(sd::test::sharedDataDir() / "video_textures" / "sea_waves", o), 64, 64);
        QCOMPARE(sea.frameCount(), Index(12));
        QCOMPARE(sea.frameSize(), Index(3 * 64 * 64));
        QVERIFY(framePairs(sea).current.cols() == 11);
        QVERIFY((sea.frames.col(1) - sea.frames.col(0)).cwiseAbs().mean() > 1e-3);
    }
};

QTEST_APPLESS_MAIN(TestVideo)
#include "test_video.moc"
