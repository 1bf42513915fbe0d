#pragma once
// Helpers for the core/data tests: temporary files and error-message assertions.
#include "core/common/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>

namespace sd::test {

inline std::filesystem::path writeText(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    const std::filesystem::path p = std::filesystem::path(dir.path().toStdString()) / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

}  // namespace sd::test

/// Runs `stmt`, requires an sd::Error whose message contains every one of the given fragments.
#define SD_EXPECT_ERROR(stmt, ...)                                                                      \
    do {                                                                                                \
        bool sdThrown_ = false;                                                                         \
        try {                                                                                           \
            stmt;                                                                                       \
        } catch (const sd::Error& e) {                                                                  \
            sdThrown_ = true;                                                                           \
            const std::string msg_ = e.what();                                                          \
            for (const char* frag_ : {__VA_ARGS__})                                                     \
                if (msg_.find(frag_) == std::string::npos)                                              \
                    QFAIL(qPrintable(QString("error message \"%1\" lacks \"%2\"")                       \
                                         .arg(QString::fromStdString(msg_), QString(frag_))));          \
        }                                                                                               \
        if (!sdThrown_) QFAIL("expected sd::Error from: " #stmt);                                       \
    } while (0)
