#pragma once
// The stable operator inference studies (Pontes Duff, Goyal & Benner; docs/results/stable_opinf.md) on the
// experiment engine — what their plans need beyond the generic metrics:
//   transform  quadratic_square_wave_tests  {preset, amplitudes}: appends to the test split square-wave inputs
//              a·sign(sin 0.5t) of the given amplitudes, simulated from the true quadratic system
//              (docs/methods/systems.md §3), at the training trajectories' sample times;
//   metric     opinf_certified_tests  {split}: per test trajectory the relative error ‖X − X̂‖_F/‖X‖_F,
//              divergence, the largest predicted state norm, the input bound ‖u‖∞ and — for a certified
//              (stable) model — the bounded-input bounded-state radius of Theorem 1 for that input and
//              whether the prediction stayed inside it; plus the spectrum of A and the certificate's
//              σ_min(R) and ‖B‖;
//   metric     pod_projection  {rank, split}: the POD basis of the train split's own projection error on
//              each test trajectory and the retained energy (what any reduced model can at best reach);
//   reports    opinf-lambda-rank (the (r, λ) grid JSON), opinf-quadratic, opinf-burgers (the documents the
//              former `stabledyn study opinf-*` commands printed).
#include "core/experiment/extensions.h"

namespace sd::studies {

void registerOpinfStudies(experiment::Extensions& extensions);

}  // namespace sd::studies
