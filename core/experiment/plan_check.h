#pragma once
// checkPlan — everything about a plan that needs the plugins and the engine's extensions, checked before
// any cell runs: the plugin exists; every hyperparameter the plan sets is in its schema; every cell's
// hyperparameters validate (defaults filled into Cell::validated); metric kinds, transforms and their
// parameters, and the study report are registered; no two cells share a configuration.
#include "core/experiment/cells.h"
#include "core/experiment/extensions.h"
#include "core/model/plugin_host.h"

#include <vector>

namespace sd::experiment {

/// Throws sd::Error("<plan source>: <field>", …) on the first problem; returns the cells with
/// Cell::validated filled.
std::vector<Cell> checkPlan(const ExperimentPlan& plan, const model::PluginHost& host, const Extensions& extensions);

}  // namespace sd::experiment
