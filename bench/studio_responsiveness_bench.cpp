// studio_responsiveness_bench — how long the studio's GUI event loop stalls while a model trains.
//
// For each plugin it opens the real main window (offscreen unless QT_QPA_PLATFORM says otherwise), loads a
// dataset that plugin trains on, starts training with a snapshot due every epoch (the worst case for the
// views) and, for each of a few tabs in turn, lets training run for --seconds while a 5-ms precise timer
// records every gap between two turns of the event loop. A gap is how long a user's click would wait.
// Prints one JSON line per (plugin, tab): gap percentiles p50/p99/max in ms, ticks, epochs and snapshots
// rendered, and the share of the wall time the GUI thread spent on its own work (CPU time of the thread):
// a long gap with a low share means the thread was waiting for a core, not working. After each plugin a
// row "idle" measures the same with training stopped (the machine's noise floor). --busy N adds N spinning
// threads (artificial load). Results: bench/RESULTS.md.
//
// Run: build/bin/studio_responsiveness_bench [--seconds 10] [--busy 0] [--plugins lyapunov-net,ren,…]
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/main_window.h"
#include "app/studio/model_dock.h"
#include "app/studio/studio_context.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "bench/bench_support.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>
#include <time.h>

using nlohmann::json;
using namespace sd::studio;

namespace {

struct PluginCase {
    std::string plugin;
    std::string dataset;        // registry name
    json hyper;
    std::vector<QString> tabs;  // tab titles to measure with
};

std::vector<PluginCase> cases() {
    return {
        {"lyapunov-net", "demo-pendulum", {{"epochs", 1000000}, {"batch_size", 256}}, {"Training curves", "Phase portrait", "Lyapunov"}},
        {"stable-opinf", "demo-pendulum", {{"variant", "stable"}, {"epochs", 10000000}}, {"Training curves", "Phase portrait", "Time series"}},
        {"ren", "wiener-hammerstein-process-noise", {{"epochs", 100000}}, {"Training curves", "Time series", "Certificate"}},
        {"vae-latent", "video-ripples", {{"epochs", 100000}, {"image_size", 16}, {"conv_widths", {8, 16}}, {"latent", 8}},
         {"Training curves", "Lyapunov", "Certificate"}},
    };
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * double(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Gaps {
    std::vector<double> ms;
    double cpuShare = 0;   // GUI-thread CPU time / wall time
};

// Runs the event loop for `ms`, recording the gaps between 5-ms timer ticks.
Gaps measureGaps(int ms) {
    std::vector<double> gaps;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last > 0) gaps.push_back(double(now - last) / 1e6);
        last = now;
    });
    ticker.start();
    const double cpu0 = threadCpuSeconds();
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
    return {gaps, (threadCpuSeconds() - cpu0) / (double(clock.nsecsElapsed()) / 1e9)};
}

json gapRow(const std::string& plugin, const std::string& dataset, const std::string& tab, int busy, double seconds, const Gaps& g) {
    return {{"bench", "studio_stall"},
            {"plugin", plugin},
            {"dataset", dataset},
            {"tab", tab},
            {"busy_threads", busy},
            {"seconds", seconds},
            {"ticks", g.ms.size()},
            {"gap_p50_ms", percentile(g.ms, 0.5)},
            {"gap_p99_ms", percentile(g.ms, 0.99)},
            {"gap_max_ms", g.ms.empty() ? 0.0 : *std::max_element(g.ms.begin(), g.ms.end())},
            {"gui_cpu_share", g.cpuShare}};
}

bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) QApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    double seconds = 10;
    int busyThreads = 0;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--busy") && i + 1 < argc) busyThreads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--plugins") && i + 1 < argc) only = argv[++i];
    }
    QApplication app(argc, argv);
    std::atomic<bool> stopBusy{false};
    std::vector<std::thread> busy;
    for (int k = 0; k < busyThreads; ++k)
        busy.emplace_back([&] {
            volatile double x = 1;
            while (!stopBusy.load(std::memory_order_relaxed)) x = x * 1.0000001 + 1e-9;
        });

    MainWindow window;
    window.setConfirmOnQuit(false);
    window.resize(1280, 800);
    window.show();
    auto* every = window.findChild<QSpinBox*>("snapshotEvery");
    every->setValue(1);
    int status = 0;
    for (const PluginCase& c : cases()) {
        if (!only.empty() && ("," + only + ",").find("," + c.plugin + ",") == std::string::npos) continue;
        auto fail = [&](const std::string& why) {
            std::printf("%s\n", json{{"bench", "studio_stall"}, {"plugin", c.plugin}, {"error", why}}.dump().c_str());
            std::fflush(stdout);
            status = 1;
        };
        if (!window.context()->pluginHost().find(c.plugin)) {
            fail("plugin not loaded");
            continue;
        }
        bool loaded = false, failed = false;
        QString loadError;
        auto ok = QObject::connect(window.dataDock(), &DataDock::datasetLoaded, [&] { loaded = true; });
        auto bad = QObject::connect(window.dataDock(), &DataDock::loadFailed, [&](const QString& m) {
            failed = true;
            loadError = m;
        });
        window.dataDock()->load(referenceFromArgument(c.dataset));
        waitFor([&] { return loaded || failed; }, 600000);
        QObject::disconnect(ok);
        QObject::disconnect(bad);
        if (!loaded) {
            fail("dataset " + c.dataset + ": " + loadError.toStdString());
            continue;
        }
        if (!window.modelDock()->selectPlugin(c.plugin, c.hyper)) {
            fail("cannot select the plugin");
            continue;
        }
        auto* controller = window.trainingController();
        int snapshots = 0;
        auto snap = QObject::connect(controller, &TrainingController::snapshotReady, [&] { ++snapshots; });
        if (!window.trainDock()->startTraining()) {
            fail("training did not start: " + window.trainDock()->statusText().toStdString());
            QObject::disconnect(snap);
            continue;
        }
        for (const QString& tab : c.tabs) {
            // A fast plugin may have finished its epochs: every tab is measured while training runs.
            if (!controller->isRunning() && !window.trainDock()->startTraining()) break;
            for (int k = 0; k < window.tabs()->count(); ++k)
                if (window.tabs()->tabText(k) == tab) window.tabs()->setCurrentIndex(k);
            const int epochsBefore = controller->lastReportedEpoch(), snapshotsBefore = snapshots;
            const Gaps gaps = measureGaps(static_cast<int>(seconds * 1000));
            json row = gapRow(c.plugin, c.dataset, tab.toStdString(), busyThreads, seconds, gaps);
            row["epochs"] = controller->lastReportedEpoch() - epochsBefore;
            row["snapshots_rendered"] = snapshots - snapshotsBefore;
            row["training_running"] = controller->isRunning();
            std::printf("%s\n", row.dump().c_str());
            std::fflush(stdout);
        }
        QObject::disconnect(snap);
        controller->stop();
        waitFor([&] { return !controller->isRunning(); }, 600000);
        // The noise floor: the same window, training stopped.
        window.tabs()->setCurrentIndex(0);
        const Gaps idle = measureGaps(static_cast<int>(std::min(seconds, 4.0) * 1000));
        std::printf("%s\n", gapRow(c.plugin, c.dataset, "idle (training stopped)", busyThreads, std::min(seconds, 4.0), idle).dump().c_str());
        std::fflush(stdout);
    }
    window.close();
    stopBusy = true;
    for (auto& t : busy) t.join();
    return status;
}
