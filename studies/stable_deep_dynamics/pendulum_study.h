#pragma once
// The n-link pendulum study of Manek & Kolter (docs/methods/systems.md §2, docs/methods/core.md §8;
// docs/results/pendulum.md) on the experiment engine:
//   metric  pendulum_rollout  {trajectories M (1000), steps T (1000), h (0.01), initial_box (π/8), x0_seed}:
//           M initial states ~ U[−box, box]^{2n} drawn with sd::Rng(x0_seed) — default 7919 × training seed + n,
//           as the former `stabledyn study pendulum` did —, the true n-link pendulum (n from the cell's
//           generated dataset) and the model rolled out with classical RK4 (step h, T states including x0,
//           batched), scored with the reference metric (core/analysis/rollout_error.h): e_i summed over
//           trajectories, its (exclusive) cumulative sum, totals, peak, and the diverged rollouts;
//   report  pendulum  pendulum_errors.csv, pendulum_summary.json, pendulum_error.svg (ē_i over time),
//           pendulum_cumulative_vs_n.svg — the files and document of the former command.
#include "core/experiment/extensions.h"

namespace sd::studies {

void registerPendulumStudy(experiment::Extensions& extensions);

}  // namespace sd::studies
