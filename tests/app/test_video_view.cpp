// The Video tab with the real vae-latent plugin, offscreen: a generated ripple video loads into the real
// panel; an untrained stable model generates a video of a chosen length from the first frame (in the worker,
// the event loop keeps running); pin, scrub, step, play; PNG-sequence and GIF export read back with the
// core/data readers; and the clear refusals (no model, a model of the wrong size, nothing to pin/export).
#include "app/studio/studio_context.h"
#include "app/studio/video_frames.h"
#include "app/studio/video_view.h"
#include "core/common/error.h"
#include "core/data/video.h"
#include "core/model/hyperparameters.h"
#include "core/systems/ripple_texture.h"

#include <QPushButton>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

using namespace sd::studio;
using nlohmann::json;

namespace {

sd::data::Video ripples(Eigen::Index frames) {
    sd::systems::RippleTextureOptions o;
    o.height = 16;
    o.width = 16;
    o.channels = 3;
    o.frames = frames;
    o.warmup = 20;
    o.dropRate = 0.5;
    o.dropRadius = 1.5;
    return sd::systems::generateRippleTexture(o);
}

std::shared_ptr<const sd::model::Model> vaeModel(StudioContext& ctx, const sd::data::Dataset& ds, int seed) {
    const auto& plugin = *ctx.pluginHost().require("vae-latent").plugin;
    const json hyper = sd::model::validateHyperparameters(
        plugin.hyperparameterSchema(), {{"image_size", 8}, {"conv_widths", {4}}, {"latent", 4}, {"dyn_hidden", {8}}, {"v_hidden", {8}},
                                        {"init_seed", seed}, {"certificate_samples", 100}, {"certificate_trajectories", 1}, {"certificate_steps", 50}});
    return std::shared_ptr<const sd::model::Model>(plugin.create(hyper, sd::data::DatasetInfo::of(ds)));
}

}  // namespace

class TestVideoView : public QObject {
    Q_OBJECT

private slots:
    void pureHelpers() {
        const sd::data::Video v = ripples(5);
        const QImage img = videoFrameImage(v, 2);
        QCOMPARE(img.width(), 16);
        QCOMPARE(img.height(), 16);
        const Eigen::Index plane = 16 * 16;
        QCOMPARE(qRed(img.pixel(3, 1)), int(std::lround(v.frames(16 + 3, 2) * 255)));
        QCOMPARE(qBlue(img.pixel(3, 1)), int(std::lround(v.frames(2 * plane + 16 + 3, 2) * 255)));
        const Eigen::VectorXd c = meanAbsoluteFrameChange(v);
        QCOMPARE(c.size(), 4);
        QVERIFY(std::abs(c[1] - (v.frames.col(2) - v.frames.col(1)).cwiseAbs().mean()) < 1e-15);
        sd::data::Video still = v;
        for (Eigen::Index k = 1; k < 5; ++k) still.frames.col(k) = still.frames.col(0);
        QCOMPARE(meanAbsoluteFrameChange(still).maxCoeff(), 0.0);
        const auto req = generationRequest(v.frames.col(0), 7, 25.0);
        QCOMPARE(req.x.cols(), 7);
        QVERIFY(req.x.col(0) == v.frames.col(0));
        QCOMPARE(req.t[6], 6 / 25.0);
        QVERIFY_THROWS_EXCEPTION(sd::Error, generationRequest(v.frames.col(0), 1, 25.0));
    }

    void generatesPlaysPinsAndExports() {
        StudioContext ctx;
        ctx.pluginHost().scan();
        QVERIFY2(ctx.pluginHost().find("vae-latent"), "the vae-latent plugin was not found on the plugin path");
        VideoView view(&ctx);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        // Without a video dataset nothing can be generated, and the status says why.
        QVERIFY(!view.generate(10));
        QVERIFY(view.statusText().contains("video dataset"));

        auto ds = std::make_shared<sd::data::Dataset>(sd::data::videoToDataset(ripples(12), "ripples"));
        LoadedDataset loaded;
        loaded.dataset = ds;
        ctx.setDataset(loaded);
        QVERIFY(view.panelVideo(VideoView::Real));
        QCOMPARE(view.frameCount(), 12);
        QVERIFY(!view.generate(10));
        QVERIFY(view.statusText().contains("No model"));
        QVERIFY(!view.pinGenerated());

        ctx.setModel(vaeModel(ctx, *ds, 1), "stable seed 1");
        QSignalSpy generated(&view, &VideoView::generated);
        QVERIFY(view.generate(40));
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 30000);
        const sd::data::Video* gen = view.panelVideo(VideoView::Generated);
        QVERIFY(gen);
        QCOMPARE(gen->frameCount(), 40);  // longer than the real video
        QCOMPARE(gen->height, 16);
        QVERIFY(gen->frames.allFinite());
        QVERIFY(gen->frames.minCoeff() >= 0.0 && gen->frames.maxCoeff() <= 1.0);
        QCOMPARE(view.frameCount(), 40);

        // Pin it, generate with a different random model: the panels differ.
        QVERIFY(view.pinGenerated());
        ctx.setModel(vaeModel(ctx, *ds, 2), "stable seed 2");
        QVERIFY(view.generate(20));
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 2, 30000);
        QCOMPARE(view.panelVideo(VideoView::Pinned)->frameCount(), 40);
        QCOMPARE(view.panelVideo(VideoView::Generated)->frameCount(), 20);
        QVERIFY(!view.panelVideo(VideoView::Pinned)->frames.leftCols(20).isApprox(view.panelVideo(VideoView::Generated)->frames));

        // Scrub, step, play.
        auto* scrub = view.findChild<QSlider*>("videoScrub");
        QCOMPARE(scrub->maximum(), 39);
        scrub->setValue(30);
        QCOMPARE(view.frameIndex(), 30);
        QTest::mouseClick(view.findChild<QPushButton*>("videoStepForward"), Qt::LeftButton);
        QCOMPARE(view.frameIndex(), 31);
        QTest::mouseClick(view.findChild<QPushButton*>("videoStepBack"), Qt::LeftButton);
        QTest::mouseClick(view.findChild<QPushButton*>("videoStepBack"), Qt::LeftButton);
        QCOMPARE(view.frameIndex(), 29);
        view.setFrameIndex(1000);
        QCOMPARE(view.frameIndex(), 39);
        view.setFrameIndex(0);
        QTest::mouseClick(view.findChild<QPushButton*>("videoPlay"), Qt::LeftButton);
        QVERIFY(view.isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(view.frameIndex() >= 3, 5000);
        QTest::mouseClick(view.findChild<QPushButton*>("videoPlay"), Qt::LeftButton);
        QVERIFY(!view.isPlaying());

        // Exports read back with the core readers.
        QTemporaryDir dir;
        const QString gif = dir.filePath("generated.gif");
        view.exportGif(VideoView::Generated, gif);
        const sd::data::Video back = sd::data::loadGif(gif.toStdString());
        QCOMPARE(back.frameCount(), 20);
        QVERIFY((back.frames - view.panelVideo(VideoView::Generated)->frames).cwiseAbs().maxCoeff() <= 0.1 + 1e-9);
        view.exportPngSequence(VideoView::Pinned, dir.filePath("pinned"));
        const sd::data::Video seq = sd::data::loadImageSequence(dir.filePath("pinned").toStdString());
        QCOMPARE(seq.frameCount(), 40);
        QVERIFY((seq.frames - view.panelVideo(VideoView::Pinned)->frames).cwiseAbs().maxCoeff() <= 0.5 / 255 + 1e-12);

        // A model of another size is refused with a message; switching to a non-video dataset clears the tab.
        auto other = std::make_shared<sd::data::Dataset>(sd::data::videoToDataset(ripples(4), "r"));
        other->stateNames.clear();
        other->stateNames.resize(static_cast<std::size_t>(other->trajectories[0].x.rows()), "x");
        LoadedDataset plain;
        plain.dataset = other;
        ctx.setDataset(plain);
        QVERIFY(!view.panelVideo(VideoView::Real));
        QVERIFY(!view.panelVideo(VideoView::Generated));
        QVERIFY_THROWS_EXCEPTION(sd::Error, view.exportGif(VideoView::Generated, dir.filePath("none.gif")));
        QVERIFY(!view.generate(10));
    }
};

QTEST_MAIN(TestVideoView)
#include "test_video_view.moc"
