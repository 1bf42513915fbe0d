#pragma once
// Small helpers shared by the Qt Test executables.
#include <QTemporaryDir>
#include <QtTest>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace sd::test {

/// ../shared/data (set by ctest through STABLEDYN_SHARED_DATA). Empty path if unknown.
inline std::filesystem::path sharedDataDir() {
    const char* p = std::getenv("STABLEDYN_SHARED_DATA");
    return p ? std::filesystem::path(p) : std::filesystem::path();
}

/// Path of a file under ../shared/data, or empty if that data is not present on this machine.
inline std::filesystem::path sharedDataFile(const std::string& relative) {
    const auto dir = sharedDataDir();
    if (dir.empty()) return {};
    const auto p = dir / relative;
    return std::filesystem::exists(p) ? p : std::filesystem::path();
}

/// The project source folder (for datasets/ manifests, tests/fixtures data).
inline std::filesystem::path sourceDir() {
    const char* p = std::getenv("STABLEDYN_SOURCE_DIR");
    return p ? std::filesystem::path(p) : std::filesystem::path(".");
}

/// The build's plugin folder.
inline std::filesystem::path pluginDir() {
    const char* p = std::getenv("STABLEDYN_PLUGIN_PATH");
    return p ? std::filesystem::path(p) : std::filesystem::path();
}

}  // namespace sd::test

/// Skips the current test when a shared benchmark file is missing (users without ../shared/data).
#define SD_REQUIRE_SHARED_FILE(var, rel)                                                     \
    const std::filesystem::path var = sd::test::sharedDataFile(rel);                        \
    if (var.empty()) QSKIP("shared benchmark data not present: " rel)
