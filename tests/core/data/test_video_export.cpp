// Video export: GIFs written by encodeGif decode (with our loadGif, i.e. Qt's reader) to the same frames —
// exactly for values on the palette grid, within half a palette step otherwise — with the fps, frame count
// and size kept, also for frames larger than one LZW clear interval and data sub-block; PNG sequences
// round-trip through loadImageSequence; bad videos are refused.
#include "core/data/video.h"
#include "core/data/video_export.h"

#include "core/common/error.h"
#include "core/common/rng.h"

#include <QTemporaryDir>
#include <fstream>
#include <QtTest>

using namespace sd::data;

namespace {

Video makeVideo(Eigen::Index channels, Eigen::Index h, Eigen::Index w, Eigen::Index frames, double fps, std::uint64_t seed) {
    Video v;
    v.name = "test";
    v.channels = channels;
    v.height = h;
    v.width = w;
    v.fps = fps;
    sd::Rng rng(seed);
    v.frames = rng.uniformMatrix(channels * h * w, frames, 0.0, 1.0);
    return v;
}

/// Snaps every value to the palette grid of encodeGif (6 red, 7 green, 6 blue levels; 256 grey levels).
void snapToPalette(Video& v) {
    const Eigen::Index plane = v.height * v.width;
    for (Eigen::Index t = 0; t < v.frameCount(); ++t)
        for (Eigen::Index c = 0; c < v.channels; ++c) {
            const int steps = v.channels == 1 ? 256 : (c == 1 ? 7 : 6);
            for (Eigen::Index p = 0; p < plane; ++p) {
                double& x = v.frames(c * plane + p, t);
                x = std::round(x * (steps - 1)) / (steps - 1);
            }
        }
}

}  // namespace

class TestVideoExport : public QObject {
    Q_OBJECT

private slots:
    void gifRoundTripsOnThePaletteGrid_data() {
        QTest::addColumn<int>("channels");
        QTest::newRow("rgb") << 3;
        QTest::newRow("gray") << 1;
    }
    void gifRoundTripsOnThePaletteGrid() {
        QFETCH(int, channels);
        QTemporaryDir dir;
        // 37×29 = 1073 pixels per frame: several clear intervals and more than one 255-byte sub-block.
        Video v = makeVideo(channels, 29, 37, 5, 20.0, 3);
        snapToPalette(v);
        const auto file = std::filesystem::path(dir.path().toStdString()) / "v.gif";
        writeGif(v, file);
        const Video back = loadGif(file, {channels == 1 ? VideoColor::Gray : VideoColor::Rgb});
        QCOMPARE(back.frameCount(), v.frameCount());
        QCOMPARE(back.height, v.height);
        QCOMPARE(back.width, v.width);
        QCOMPARE(back.fps, 20.0);
        // Palette entries are 8-bit, so the exact grid values come back within 1/255 rounding.
        const double err = (back.frames - v.frames).cwiseAbs().maxCoeff();
        QVERIFY2(err <= 0.5 / 255 + 1e-12, qPrintable(QString("max error %1").arg(err)));
    }

    void gifQuantisationErrorIsBounded() {
        QTemporaryDir dir;
        const Video v = makeVideo(3, 16, 16, 2, 0.0, 4);  // fps unknown: written at 25 fps
        const auto file = std::filesystem::path(dir.path().toStdString()) / "q.gif";
        writeGif(v, file);
        const Video back = loadGif(file);
        QCOMPARE(back.fps, 25.0);
        // Half a palette step: 1/10 for red and blue (6 levels), 1/12 for green (7 levels).
        const double err = (back.frames - v.frames).cwiseAbs().maxCoeff();
        QVERIFY2(err <= 0.1 + 1e-9, qPrintable(QString("max error %1").arg(err)));
        QVERIFY(err > 0.0);  // the random values are not on the grid
    }

    void pngSequenceRoundTrips() {
        QTemporaryDir dir;
        Video v = makeVideo(3, 8, 12, 12, 25.0, 5);
        for (Eigen::Index i = 0; i < v.frames.size(); ++i) v.frames.data()[i] = std::round(v.frames.data()[i] * 255) / 255;
        const auto folder = std::filesystem::path(dir.path().toStdString()) / "seq";
        QCOMPARE(writePngSequence(v, folder, "f"), 12);
        QVERIFY(std::filesystem::exists(folder / "f_00011.png"));
        const Video back = loadImageSequence(folder);
        QCOMPARE(back.frameCount(), 12);
        QVERIFY((back.frames - v.frames).cwiseAbs().maxCoeff() < 1e-12);  // natural order kept: frame 10 after 9
    }

    void badVideosAreRefused() {
        Video v = makeVideo(2, 4, 4, 1, 25.0, 6);
        QVERIFY_THROWS_EXCEPTION(sd::Error, encodeGif(v));
        v = makeVideo(3, 4, 4, 0, 25.0, 6);
        QVERIFY_THROWS_EXCEPTION(sd::Error, encodeGif(v));
        v = makeVideo(3, 4, 4, 1, 25.0, 6);
        v.frames.conservativeResize(10, 1);
        QVERIFY_THROWS_EXCEPTION(sd::Error, encodeGif(v));
        QTemporaryDir dir;
        const auto blocker = std::filesystem::path(dir.path().toStdString()) / "file";
        std::ofstream(blocker) << "x";
        QVERIFY_THROWS_EXCEPTION(sd::Error, writePngSequence(makeVideo(1, 2, 2, 1, 1.0, 7), blocker / "sub"));
    }
};

QTEST_GUILESS_MAIN(TestVideoExport)
#include "test_video_export.moc"
