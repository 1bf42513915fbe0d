#include "app/studio/studio_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sd::studio {

StudioOptions parseStudioOptions(const QCoreApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription("StableDyn Studio: train stable-by-construction dynamics models and inspect them.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataset("dataset", "Open a dataset: a file (CSV/NPZ/JSON), 'demo', or a registry name.", "path-or-name");
    const QCommandLineOption session("session", "Open a saved session file.", "file");
    const QCommandLineOption pluginDir("plugin-dir", "Extra folder searched for model plugins first (repeatable; ';' separates several).", "dir");
    const QCommandLineOption plugin("model-plugin", "Preselect the model plugin with this id.", "id");
    const QCommandLineOption train("train", "Start training as soon as the data is loaded.");
    const QCommandLineOption screenshot("screenshot", "Train on the data, save a PNG of every tab into <dir>, then quit.", "dir");
    const QCommandLineOption hyper("hyper", "Set a hyperparameter of the chosen plugin (value as JSON, else text); repeatable.", "key=value");
    const QCommandLineOption randomise("randomise", "Show a random untrained model of the chosen plugin (a new random draw) instead of training.");
    const QCommandLineOption sweep("sweep", "Run a hyperparameter sweep once the data is loaded: key=v1,v2,… (give it twice for a 2-D sweep).",
                                   "key=values");
    const QCommandLineOption screenshotSize("screenshot-size", "Window size of the screenshot tour, e.g. 1280x800 (repeatable: one set of PNGs per size).",
                                            "WxH");
    parser.addOptions({dataset, session, pluginDir, plugin, hyper, train, randomise, sweep, screenshot, screenshotSize});
    parser.process(app);
    StudioOptions o;
    o.dataset = parser.value(dataset);
    o.session = parser.value(session);
    for (const QString& d : parser.values(pluginDir)) o.pluginDirs << d.split(';', Qt::SkipEmptyParts);
    o.plugin = parser.value(plugin);
    o.hyper = parser.values(hyper);
    o.train = parser.isSet(train);
    o.randomise = parser.isSet(randomise);
    o.sweep = parser.values(sweep);
    o.screenshotDir = parser.value(screenshot);
    for (const QString& size : parser.values(screenshotSize)) {
        const QStringList wh = size.toLower().split('x');
        bool okW = false, okH = false;
        const int w = wh.size() == 2 ? wh[0].toInt(&okW) : 0, h = wh.size() == 2 ? wh[1].toInt(&okH) : 0;
        if (!okW || !okH || w < 320 || h < 240) {
            std::fprintf(stderr, "stabledyn-studio: --screenshot-size %s: expected WIDTHxHEIGHT, at least 320x240\n", qPrintable(size));
            std::exit(2);
        }
        o.screenshotSizes.emplace_back(w, h);
    }
    return o;
}

bool wantsHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version" || a == "-?") return true;
    }
    return false;
}

}  // namespace sd::studio
