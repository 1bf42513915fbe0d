#include "core/experiment/cells.h"

#include "core/data/hashing.h"

namespace sd::experiment {

using nlohmann::json;

std::string Cell::describe(const ExperimentPlan& plan) const {
    std::string s = "dataset=" + plan.datasets.at(static_cast<std::size_t>(dataset)).name;
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        s += ", " + plan.axes[a].name + "=" + plan.axes[a].values.at(static_cast<std::size_t>(coords.at(a))).label;
    return s + ", seed=" + std::to_string(seed);
}

json Cell::labels(const ExperimentPlan& plan) const {
    json j = json::object();
    for (std::size_t a = 0; a < plan.axes.size(); ++a) j[plan.axes[a].name] = plan.axes[a].values.at(static_cast<std::size_t>(coords.at(a))).label;
    return j;
}

json resolvedConfig(const ExperimentPlan& plan, const Cell& cell) {
    const DatasetSpec& d = plan.datasets.at(static_cast<std::size_t>(cell.dataset));
    json metrics = json::array();
    for (const auto& m : plan.metrics) {
        json mj = m.params;
        mj["name"] = m.name;
        metrics.push_back(mj);
    }
    return {{"plugin", plan.plugin},
            {"hyperparameters", cell.hyper},
            {"dataset", d.inMemory ? json{{"in_memory", true}, {"sha256", d.inMemory->sha256}} : d.source},
            {"seed", cell.seed},
            {"training", {{"train_split", plan.training.trainSplit}, {"validation_split", plan.training.validationSplit}}},
            {"metrics", metrics}};
}

std::string configId(const json& config) { return data::sha256Bytes(config.dump()).substr(0, 16); }

std::vector<Cell> enumerateCells(const ExperimentPlan& plan) {
    std::vector<Cell> cells;
    cells.reserve(plan.cellCount());
    const std::size_t nAxes = plan.axes.size();
    std::vector<int> coords(nAxes, 0);
    for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
        std::fill(coords.begin(), coords.end(), 0);
        while (true) {
            for (std::size_t s = 0; s < plan.seeds.values.size(); ++s) {
                Cell c;
                c.index = static_cast<int>(cells.size());
                c.dataset = static_cast<int>(d);
                c.coords = coords;
                c.seedIndex = static_cast<int>(s);
                c.seed = plan.seeds.values[s];
                c.hyper = plan.fixed;
                for (std::size_t a = 0; a < nAxes; ++a)
                    for (const auto& [k, v] : plan.axes[a].values[static_cast<std::size_t>(coords[a])].set.items()) c.hyper[k] = v;
                for (const auto& k : plan.seeds.alsoSet) c.hyper[k] = c.seed;
                c.id = configId(resolvedConfig(plan, c));
                cells.push_back(std::move(c));
            }
            // Odometer over the axes: the last axis turns fastest.
            std::size_t a = nAxes;
            while (a > 0) {
                --a;
                if (++coords[a] < static_cast<int>(plan.axes[a].values.size())) break;
                coords[a] = 0;
                if (a == 0) { a = nAxes + 1; break; }
            }
            if (nAxes == 0 || a == nAxes + 1) break;
        }
    }
    return cells;
}

}  // namespace sd::experiment
