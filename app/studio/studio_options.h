#pragma once
// Command-line options of stabledyn-studio.
#include <QString>
#include <QSize>
#include <QStringList>
#include <vector>

class QCoreApplication;

namespace sd::studio {

struct StudioOptions {
    QString dataset;            ///< --dataset <path or registry name>
    QString session;            ///< --session <file>
    QStringList pluginDirs;     ///< --plugin-dir <dir> (repeatable, or ';'-separated)
    QString screenshotDir;      ///< --screenshot <dir>: train the demo (or randomise / sweep), save a PNG of every tab, quit
    QString plugin;             ///< --model-plugin <id> (Qt itself owns -plugin): preselect a plugin
    QStringList hyper;          ///< --hyper key=value (value as JSON, else a string), repeatable
    bool train = false;         ///< --train: start training once data and plugin are ready
    bool randomise = false;     ///< --randomise: show a random untrained model (Train dock ▸ Randomise) instead of training
    QStringList sweep;          ///< --sweep key=v1,v2,… (once or twice): run that sweep in the Sweep tab once data is loaded
    std::vector<QSize> screenshotSizes;   ///< --screenshot-size WxH (repeatable): window sizes of the screenshot tour
};

/// Parses the application's arguments (exits with usage text on --help or an error).
StudioOptions parseStudioOptions(const QCoreApplication& app);

/// True when the arguments only ask for --help / --version (answered without opening a display).
bool wantsHelpOrVersion(int argc, char** argv);

}  // namespace sd::studio
