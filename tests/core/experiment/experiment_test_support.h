#pragma once
// Shared by the experiment engine's tests: the fixture plugin's folder and a small plan around it.
#include "core/experiment/plan.h"
#include "core/model/plugin_host.h"

#include <nlohmann/json.hpp>
#include <string>

namespace sd::experiment::testing {

/// Damped 1-link pendulum trajectories from non-zero starts (so predictions depend on the fitted rate).
inline nlohmann::json pendulumParams() {
    return {{"mode", "trajectories"}, {"train_trajectories", 3}, {"test_trajectories", 2}, {"t_end", 10}, {"sample_time", 0.05}};
}

/// A plan over the fixture plugin on a small generated dataset: `axes` and `extra` are merged in.
inline nlohmann::json fixturePlan(const nlohmann::json& axes = nlohmann::json::array(), const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json plan = {{"format", kPlanFormat},
                           {"version", kPlanSchemaVersion},
                           {"name", "fixture"},
                           {"plugin", "fixture-experiment"},
                           {"fixed", {{"epochs", 10}}},
                           {"datasets", {{{"name", "pend"}, {"generate", "pendulum"}, {"params", pendulumParams()}, {"seed", 1}}}},
                           {"axes", axes.is_array() ? axes : nlohmann::json::array()},
                           {"seeds", {0, 1}},
                           {"metrics", {{{"name", "test"}, {"kind", "evaluate"}, {"split", "test"}}}}};
    plan.merge_patch(extra);
    return plan;
}

inline ExperimentPlan parse(const nlohmann::json& j, const std::string& source = "plan.json") { return parsePlan(j.dump(), source); }

inline void scanFixture(model::PluginHost& host) { host.scan({SD_EXPERIMENT_FIXTURE_DIR}); }

}  // namespace sd::experiment::testing
