#pragma once
// Command-line changes to a plan, shared by `experiment run|slurm|status` and the `study` aliases:
//   --set k=v          a fixed hyperparameter (JSON value, else string); not for keys an axis sets
//   --axis name=a,b,c  new values of a scalar axis, or the labels to keep of a bundle axis
//   --seeds 0,1,2      the seeds
//   --datasets a,b     keep only these datasets (by name)
//   --data SPEC        one dataset instead of the plan's: a registry name or a file (as `train --data`)
//   --out DIR          the output folder
#include "cli_args.h"
#include "core/experiment/plan.h"

#include <vector>

namespace sd::cli {

std::vector<OptionSpec> planOverrideOptions();
/// Applies the options above to `plan`; throws sd::Error naming the option on a bad value.
void applyPlanOverrides(experiment::ExperimentPlan& plan, const Args& args);

}  // namespace sd::cli
