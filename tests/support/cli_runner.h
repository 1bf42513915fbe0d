#pragma once
// Runs the built stabledyn executable for the CLI tests: exit status, stdout and stderr of one run.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace sd::test {

/// <build>/bin/stabledyn (STABLEDYN_BIN_DIR is set by ctest), else ./stabledyn.
inline QString stabledynBinary() {
    const char* bin = std::getenv("STABLEDYN_BIN_DIR");
    return QString(bin ? bin : ".") + "/stabledyn";
}

struct CliRun {
    int exitCode = -1;   ///< -2: did not finish in time (killed)
    QString out, err;
    nlohmann::json parsed() const { return nlohmann::json::parse(out.toStdString()); }
};

/// Runs `stabledyn args…` to completion; a run that outlives `timeoutMs` is killed and reported as exit -2.
inline CliRun runCli(const QStringList& args, int timeoutMs = 240000) {
    QProcess p;
    p.start(stabledynBinary(), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, {}, "timed out"};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace sd::test
