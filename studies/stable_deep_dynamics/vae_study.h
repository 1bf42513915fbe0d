#pragma once
// The video-texture study of the vae-latent plugin (Manek & Kolter 2019 §4.3; docs/methods/vae-latent.md;
// docs/results/vae.md) on the experiment engine:
//   transform  video_square  {image_size S, train_frames, contrast k}: the texture's frames centre-cropped to
//              their largest square, area-downscaled to S×S (and limited to the first train_frames frames), so the
//              plugin works at its own image size; k ≠ 1 stretches every pixel's variation about its mean frame
//              (stretchContrast);
//   metric     vae_generation  {frames, start_seeds}: for every start seed s the start frame is drawn uniformly
//              from the texture with sd::Rng(s) (the seeds are different START FRAMES of one trained model),
//              Model::predict generates `frames` frames; the mean absolute frame-to-frame change c_t per seed
//              and averaged, a verdict per seed ("diverged": predict stopped on a non-finite latent or
//              ‖z‖ > 1e6; "static": mean c_t over the last 10 % below 0.1 × the real texture's mean change;
//              else "moving"), and the latent-norm trace of the certificate's rollouts;
//   report     vae  study_vae.json, per texture the frame-change and latent-norm plots and a PNG frame strip
//              (rows: real, each model's seed-0 video at 8 evenly spaced times, each model's last 8 frames) —
//              the files of the former `stabledyn study vae`.
#include "core/experiment/extensions.h"

#include <Eigen/Core>
#include <string>
#include <vector>

namespace sd::studies {

void registerVaeStudy(experiment::Extensions& extensions);

namespace vae {
/// c_t = mean over the rows of |frames(:, t+1) − frames(:, t)|, t = 0..T−2 (empty for T < 2). Non-finite
/// entries propagate (NaN).
Eigen::VectorXd meanAbsFrameChange(const Eigen::MatrixXd& frames);
/// Mean of the last ⌈fraction·n⌉ entries (at least one); NaN for an empty vector.
double tailMean(const Eigen::VectorXd& v, double fraction);
/// "diverged" if the rollout stopped early (diverged) or any change is non-finite; "static" if the mean change
/// over the last 10 % is below staticRatio × referenceChange; else "moving".
std::string classifyVideo(const Eigen::VectorXd& change, bool diverged, double referenceChange, double staticRatio = 0.1);
/// Every pixel (row) moved k times as far from its mean over the frames (columns), clamped to [0, 1].
Eigen::MatrixXd stretchContrast(const Eigen::MatrixXd& frames, double k);
/// At most maxPoints (≥ 2) evenly spaced indices of 0..n−1, always including 0 and n−1.
std::vector<Eigen::Index> decimationIndices(Eigen::Index n, Eigen::Index maxPoints);
}  // namespace vae

}  // namespace sd::studies
