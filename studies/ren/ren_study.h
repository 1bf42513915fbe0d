#pragma once
// The recurrent equilibrium network studies (Revay, Wang & Manchester; docs/methods/ren.md,
// docs/results/ren.md) on the experiment engine:
//   metric  observer_error  {}: the observer (a C-REN trained on one-step pairs of the reaction–diffusion PDE)
//           run from x̂₀ = 0 on the first test trajectory, against a free run of the PDE itself from ξ ≡ 0 with
//           the same boundary input: RMS state error over time (t = 0, 100, 500, final, mean of the last 200)
//           and both curves;
//   reports ren-identification (Wiener–Hammerstein, F-16: NRMSE, observed sensitivity, the
//           NRMSE-vs-sensitivity plot and a predicted test output) and ren-observer (the error plot) — the
//           documents and plots of the former `stabledyn study ren-wh | ren-f16 | ren-observer`.
#include "core/experiment/extensions.h"

namespace sd::studies {

void registerRenStudies(experiment::Extensions& extensions);

}  // namespace sd::studies
