#pragma once
// The main-window fixture shared by the studio's offscreen GUI tests: a shown window with the test-only
// plugin folder (SD_APP_TEST_PLUGIN_DIR, defined for each such test) and the demo dataset loaded through the
// data dock. The helpers use QVERIFY/QTRY_*, so callers return when QTest::currentTestFailed().
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/main_window.h"

#include <QtTest>
#include <memory>

namespace sd::studio::test {

/// Creates `window` with the test plugins, resizes, shows it and waits until it is exposed.
inline void openTestWindow(std::unique_ptr<MainWindow>& window, QSize size = {1400, 900}) {
    StudioOptions options;
    options.pluginDirs << SD_APP_TEST_PLUGIN_DIR;
    window = std::make_unique<MainWindow>(options);
    window->resize(size);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
}

/// Loads the demo dataset through the data dock and waits (≤ timeoutMs) for DataDock::datasetLoaded.
inline void loadDemoDataset(MainWindow& window, int timeoutMs = 10000) {
    DatasetReference ref;
    ref.kind = DatasetReference::Kind::Demo;
    ref.name = kDemoDatasetName;
    QSignalSpy loaded(window.dataDock(), &DataDock::datasetLoaded);
    window.dataDock()->load(ref);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeoutMs);
}

}  // namespace sd::studio::test
