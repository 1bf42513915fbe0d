// The video-texture study (studies/stable_deep_dynamics/vae.json): its pure helpers (frame-change metric, tail
// mean, verdict, decimation) and one tiny end-to-end run of the shipped plan, shrunk, through `stabledyn
// experiment run` and `experiment report` with the real plugin.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "studies/stable_deep_dynamics/vae_study.h"

#include <fstream>

using namespace sd::studies::vae;

class TestStudyVae : public QObject {
    Q_OBJECT
private slots:
    void frameChange() {
        // 3 pixels, 4 frames: changes (|0.1|+|−0.2|+|0.3|)/3 = 0.2, then 0, then (0.6+0+0)/3 = 0.2.
        Eigen::MatrixXd f(3, 4);
        f << 0.0, 0.1, 0.1, 0.7,
             0.5, 0.3, 0.3, 0.3,
             0.2, 0.5, 0.5, 0.5;
        const Eigen::VectorXd c = meanAbsFrameChange(f);
        QCOMPARE(c.size(), Eigen::Index(3));
        QVERIFY(std::abs(c[0] - 0.2) < 1e-15);
        QCOMPARE(c[1], 0.0);
        QVERIFY(std::abs(c[2] - 0.2) < 1e-15);
        QCOMPARE(meanAbsFrameChange(Eigen::MatrixXd::Ones(5, 1)).size(), Eigen::Index(0));
        // A constant video has zero change everywhere; NaN propagates.
        QCOMPARE(meanAbsFrameChange(Eigen::MatrixXd::Constant(4, 10, 0.3)).cwiseAbs().maxCoeff(), 0.0);
        f(1, 2) = std::nan("");
        const Eigen::VectorXd n = meanAbsFrameChange(f);
        QVERIFY(std::isfinite(n[0]) && std::isnan(n[1]) && std::isnan(n[2]));
    }

    void tailMeanAndVerdict() {
        Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(100, 1.0, 100.0);
        QCOMPARE(tailMean(v, 0.1), 95.5);                  // mean of 91..100
        QCOMPARE(tailMean(v, 0.001), 100.0);               // at least one entry
        QVERIFY(std::isnan(tailMean(Eigen::VectorXd(), 0.1)));
        // Moving: tail change 0.02 ≥ 0.1 × 0.03; static: fades to 1e-4 at the end; diverged: flag or NaN.
        Eigen::VectorXd moving = Eigen::VectorXd::Constant(100, 0.02);
        Eigen::VectorXd fading(100);
        for (Eigen::Index t = 0; t < 100; ++t) fading[t] = 0.03 * std::exp(-0.1 * double(t));
        QCOMPARE(classifyVideo(moving, false, 0.03, 0.1), std::string("moving"));
        QCOMPARE(classifyVideo(fading, false, 0.03, 0.1), std::string("static"));
        QCOMPARE(classifyVideo(moving, true, 0.03, 0.1), std::string("diverged"));
        moving[50] = std::nan("");
        QCOMPARE(classifyVideo(moving, false, 0.03, 0.1), std::string("diverged"));
        // The threshold is relative to the reference: the same 0.002 tail is static against 0.03, moving against 0.01.
        const Eigen::VectorXd small = Eigen::VectorXd::Constant(50, 0.002);
        QCOMPARE(classifyVideo(small, false, 0.03, 0.1), std::string("static"));
        QCOMPARE(classifyVideo(small, false, 0.01, 0.1), std::string("moving"));
    }

    void contrastStretch() {
        // Pixel 0 varies 0.4…0.6 about 0.5: ×3 gives 0.2…0.8, same mean. Pixel 1 (0.1…0.9) clamps to [0, 1].
        Eigen::MatrixXd f(2, 3);
        f << 0.4, 0.5, 0.6,
             0.1, 0.5, 0.9;
        const Eigen::MatrixXd s = stretchContrast(f, 3.0);
        QVERIFY((s.row(0) - Eigen::RowVector3d(0.2, 0.5, 0.8)).cwiseAbs().maxCoeff() < 1e-15);
        QCOMPARE(s(1, 0), 0.0);
        QCOMPARE(s(1, 1), 0.5);
        QCOMPARE(s(1, 2), 1.0);
        QVERIFY((stretchContrast(f, 1.0) - f).cwiseAbs().maxCoeff() < 1e-15);
    }

    void decimation() {
        const auto all = decimationIndices(10, 250);
        QCOMPARE(all.size(), std::size_t(10));
        QCOMPARE(all.back(), Eigen::Index(9));
        const auto d = decimationIndices(999, 250);
        QCOMPARE(d.size(), std::size_t(250));
        QCOMPARE(d.front(), Eigen::Index(0));
        QCOMPARE(d.back(), Eigen::Index(998));
        for (std::size_t k = 1; k < d.size(); ++k) QVERIFY(d[k] > d[k - 1]);
        QVERIFY(decimationIndices(0, 10).empty());
    }

    void tinyEndToEnd() {
        const QByteArray bin = qgetenv("STABLEDYN_BIN_DIR");
        if (bin.isEmpty()) QSKIP("STABLEDYN_BIN_DIR not set");
        const QByteArray src = qgetenv("STABLEDYN_SOURCE_DIR");
        QTemporaryDir dir;
        // The shipped seeds plan, shrunk: one texture at 8×8 from its first 20 frames, 1 epoch, 30-frame
        // generations from start seeds 0 and 5, the stable and naive models, training seeds 0 and 1.
        std::ifstream in(src.toStdString() + "/studies/stable_deep_dynamics/vae_seeds.json");
        nlohmann::json plan = nlohmann::json::parse(in);
        plan["datasets"] = {{{"name", "video-ripples"}, {"registry", "video-ripples"},
                             {"transforms", {{{"kind", "video_square"}, {"image_size", 8}, {"train_frames", 20}}}}}};
        plan["fixed"]["image_size"] = 8;
        plan["fixed"]["epochs"] = 1;
        plan["fixed"]["certificate_steps"] = 29;
        plan["metrics"][0]["frames"] = 30;
        plan["metrics"][0]["start_seeds"] = {0, 5};
        plan["axes"][0]["values"].erase(2);   // stable-euler
        plan["seeds"]["values"] = {0, 1};
        std::ofstream(dir.filePath("vae.json").toStdString()) << plan.dump(2);
        QProcess p;
        p.start(QString::fromUtf8(bin) + "/stabledyn", {"experiment", "run", dir.filePath("vae.json"), "--out", dir.filePath("run")});
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        p.start(QString::fromUtf8(bin) + "/stabledyn", {"experiment", "report", dir.filePath("run"), "--to", dir.path()});
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const auto out = nlohmann::json::parse(p.readAllStandardOutput().toStdString())["study"];
        QCOMPARE(out["textures"].size(), std::size_t(1));
        const auto& t = out["textures"][0];
        QCOMPARE(t["frames_used"].get<int>(), 20);
        QCOMPARE(t["models"].size(), std::size_t(2));
        for (const auto& m : t["models"]) {
            QCOMPARE(m["seeds"].size(), std::size_t(2));
            const auto& v = m["verdicts"];
            QCOMPARE(v["moving"].get<int>() + v["static"].get<int>() + v["diverged"].get<int>(), 2);
            const auto& trace = m["certificate"]["latent_rollouts"]["norm_trace"];
            QCOMPARE(trace["steps"].back().get<int>(), 29);
            QVERIFY(trace["mean"][0].get<double>() > 0.0);
            for (const auto& s : m["seeds"]) QCOMPARE(s["frames_generated"].get<int>(), 30);
            // Every training seed is listed; the seed also sets init_seed, so the two models differ.
            const auto& ts = m["training_seeds"];
            QCOMPARE(ts["seeds"].size(), std::size_t(2));
            QCOMPARE(ts["seeds"][0]["train_seed"].get<int>(), 0);
            QCOMPARE(ts["seeds"][1]["train_seed"].get<int>(), 1);
            QVERIFY(ts["seeds"][0]["final_train_loss"].get<double>() != ts["seeds"][1]["final_train_loss"].get<double>());
            const auto& tv = ts["verdicts"];
            QCOMPARE(tv["moving"].get<int>() + tv["static"].get<int>() + tv["diverged"].get<int>(), 4);
            QCOMPARE(ts["seeds_with_result"].get<int>(), 2);
            // Reconstructions after one epoch are not perfect: R² is defined and below 1.
            const double r2 = m["reconstruction_r2"].get<double>();
            QVERIFY2(std::isfinite(r2) && r2 < 1.0, qPrintable(QString::number(r2)));
            QVERIFY(std::isfinite(ts["final_train_loss_std"].get<double>()));
        }
        for (const char* f : {"study_vae.json", "video-ripples_frame_change.svg", "video-ripples_latent_norm.svg", "video-ripples_strip.png"})
            QVERIFY2(std::filesystem::exists(std::filesystem::path(dir.path().toStdString()) / f), f);
        QImage strip(dir.path() + "/video-ripples_strip.png");
        QCOMPARE(strip.width(), 8 * 9 - 1);   // 8 frames of 8 px, 1 px gaps
        QCOMPARE(strip.height(), 5 * 9 - 1);  // real, 2 models × (evenly spaced, last 8)
    }
};

QTEST_GUILESS_MAIN(TestStudyVae)
#include "test_study_vae.moc"
