#include "app/studio/random_model.h"

#include "core/model/model_plugin.h"

#include <QRandomGenerator>

namespace sd::studio {

QString randomiseUnavailableReason(const model::ModelPlugin& plugin) {
    if (plugin.isRandomisable()) return {};
    return QString("The %1 plugin does not draw random models (its untrained models do not depend on a seed), so "
                   "Randomise would show the same model every time.")
        .arg(QString::fromStdString(plugin.id()));
}

data::DatasetInfo randomModelInfo(const data::Dataset* ds) {
    if (ds) return data::DatasetInfo::of(*ds);
    data::DatasetInfo info;
    info.name = "random 2-D state space";
    info.stateDim = 2;
    info.stateNames = {"x1", "x2"};
    return info;
}

std::uint64_t newRandomSeed(std::uint64_t previous, std::uint64_t lo, std::uint64_t hi) {
    for (;;) {
        const auto seed = static_cast<std::uint64_t>(QRandomGenerator::global()->bounded(qint64(lo), qint64(hi) + 1));
        if (seed != previous || hi == lo) return seed;
    }
}

}  // namespace sd::studio
