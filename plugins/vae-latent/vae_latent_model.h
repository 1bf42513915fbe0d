#pragma once
// VaeLatentModel — the Model of the vae-latent plugin: video textures from a convolutional VAE whose latent
// state follows learned dynamics (Manek & Kolter §4.3; docs/methods/vae-latent.md).
//
//   variant "stable": latent field f = sd::lyap::StableDynamics (MLP f̂ projected onto ∇Vᵀf ≤ −αV with an
//                     ICNN Lyapunov function V; core/lyapunov) — V̇ ≤ −αV for every parameter value;
//   variant "naive":  latent field f = an unconstrained MLP (the paper's baseline).
// One frame is one explicit Euler step of the latent dynamics, z_{t+1} = z_t + h·f(z_t) (reference: h = 1).
// Finding: the continuous-time guarantee V̇ ≤ −αV does NOT carry over to this discrete step — at active points
// f is tangent to the level set of the convex V up to −αV, so each Euler step gains O(h²‖f‖²) in V; for random
// stable models with h = 1 (and even h = 0.02) V and ‖z‖ grow by one to two orders of magnitude before
// saturating. latent_integrator = "euler_v_safe" (ours, stable variant only) adds a radial rescaling after the
// Euler step: z⁺ ← s·z⁺ with the largest s ∈ [0, 1] (bisection) such that V(s·z⁺) ≤ e^{−αh}V(z); V convex with
// V(0) = 0 makes s ↦ V(s·z⁺) non-decreasing, so s exists, and then V(z_k) ≤ e^{−αhk}V(z_0) and
// ‖z_k‖² ≤ V(z_0)/ε for every parameter value. In training, s is computed from the current parameters and
// treated as a constant (no gradient through s).
//
// Training (end to end, Adam, minibatches of (t, t+1) frame pairs): encode y_t → (μ, log σ²), sample
// z_a = μ + σ⊙ε (ε from a seeded Rng derived from the train request's seed), z_b = z_a + h·f(z_a), and
//   L = ( β‖dec(z_a) − y_t‖² + κ·KL + w‖dec(z_b) − y_{t+1}‖² ) / B
// with sums over pixels, latent entries and the batch as in the reference (docs/methods/vae-latent.md §7), divided
// by the batch size B so the reported loss is per frame pair (Adam is invariant to that constant). β = 10^recon_log_weight,
// w = 10^next_log_weight, κ = kl_weight (ramped up from 0 over the first kl_warmup_epochs epochs: KL annealing
// against posterior collapse, docs/methods/vae-latent.md §7). The validation loss uses ε = 0 (z = μ) and the full κ.
//
// Data contract — what dims() means for a video dataset (core/data/video.h, videoToDataset):
//  * the dataset's states ARE the frames: dims().state = C·H·W of the dataset frames (pixel channel names
//    "c<c>_y<y>_x<x>"), no inputs, no outputs. Anything else is refused with sd::Error.
//  * Internally every frame is centre-cropped to its largest square and area-downscaled to S×S
//    (S = image_size, never upscaled); the VAE works on these "model frames" (C·S·S values).
//  * predict(tr) encodes tr.x.col(0) (the mean μ, no sampling), runs tr.x.cols() − 1 latent steps, decodes
//    every latent state, and maps each decoded S×S frame back to the dataset's H×W geometry by nearest-
//    neighbour upsampling into the centred square with edge replication outside it (toDatasetFrames).
//    Any number of frames; a latent norm > 1e6 or a non-finite latent stops the rollout (diverged = true,
//    the prediction holds the frames before it).
//  * isContinuous() is false: in pixel space the model is a discrete-time generator (one frame per step)
//    and field() throws sd::Error ("not available"). The latent field is available as latentField().
//  * hasLyapunov() is false: V lives in the latent space, not on the dataset's states (latentLyapunov()).
//
// certify(): stable → the decrease condition V > 0, ∇Vᵀf ≤ −αV checked on certificate_samples latent
// points uniform in the ball of radius latent_radius (2√d untrained; after training the larger of 2√d and
// 1.5 × the largest training μ norm), plus boundedness of certificate_trajectories generated latent rollouts
// of certificate_steps Euler steps from that ball (max norm ≤ 10·radius, all finite). The continuous-time
// decrease does not by itself imply boundedness of the Euler iteration with step h, which is why the
// rollouts are checked too. naive → verified = false (the rollout numbers are still reported).
// latent_rollouts.norm_trace: {steps, min, mean, max, steps_reached} — the min / mean / max latent norm over the
// rollouts at step 0, every max(1, certificate_steps / 200)-th step and the last step reached (a latent norm
// over time of generated videos, reachable through the plugin contract; used by `stabledyn study vae`).
#include "core/data/video.h"
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/stable_dynamics.h"
#include "core/model/model.h"
#include "core/nn/mlp.h"
#include "plugins/vae-latent/conv_vae.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

namespace sd::vae {

/// Channels × height × width of the dataset frames (core/data/video.h).
using data::FrameGeometry;
/// The frame geometry of video pixel channel names (data::videoPixelNames); throws sd::Error(where, …)
/// if the names are not exactly those of some C×H×W frame.
FrameGeometry frameGeometry(const std::vector<std::string>& stateNames, const std::string& where);
/// Dataset frames ((C·H·W)×T) → model frames ((C·S·S)×T): centred square crop, area downscale to S.
/// Throws sd::Error if min(H, W) < S.
Eigen::MatrixXd toModelFrames(const Eigen::MatrixXd& frames, const FrameGeometry& g, Eigen::Index S);
/// Model frames ((C·S·S)×T) → dataset frames ((C·H·W)×T): nearest-neighbour upsampling into the centred
/// square of side min(H, W), edge replication outside it.
Eigen::MatrixXd toDatasetFrames(const Eigen::MatrixXd& modelFrames, const FrameGeometry& g, Eigen::Index S);

/// A generated video: model frames ((C·S·S)×count, column k = dec(z_k)), the latent states (d×count) and
/// their norms. If the latent diverged (non-finite or norm > 1e6) the columns stop before it.
struct Generation {
    Eigen::MatrixXd frames;
    Eigen::MatrixXd latents;
    Eigen::VectorXd latentNorms;
    bool diverged = false;
};

class VaeLatentModel final : public model::Model {
public:
    /// Untrained model for a video dataset described by `info` (hyper must be validated). Throws sd::Error
    /// if the dataset is not a video dataset, has inputs or outputs, or its frames are smaller than S.
    VaeLatentModel(nlohmann::json hyper, const data::DatasetInfo& info);
    static std::unique_ptr<VaeLatentModel> fromJson(const nlohmann::json& doc);

    VaeLatentModel(const VaeLatentModel& other);
    VaeLatentModel& operator=(const VaeLatentModel&) = delete;

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<VaeLatentModel>(*this); }
    std::string pluginId() const override;
    std::string variant() const override { return hyper_.at("variant").get<std::string>(); }
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return {geometry_.size(), 0, 0}; }

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;

    bool isContinuous() const override { return false; }
    /// Not available (pixel-space field of a discrete generator): always throws sd::Error.
    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const override;
    model::Prediction predict(const data::Trajectory& tr) const override;
    /// "stable": ExponentialStability of the latent field (decreaseRate α) with the checks below; "naive": None.
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    // ---- generation and inspection (core API for the CLI study, the video tab and tests) ----
    /// Encodes `frame` (dataset frame of dims().state values, or a model frame of C·S·S values) to its mean
    /// latent and generates `count` ≥ 1 frames (model resolution).
    Generation generate(const Eigen::VectorXd& frame, Eigen::Index count) const;
    /// Generates `count` frames from the latent state z0.
    Generation generateFromLatent(const Eigen::VectorXd& z0, Eigen::Index count) const;
    /// Mean latents μ (d×B) of model frames ((C·S·S)×B).
    Eigen::MatrixXd encodeMean(const Eigen::MatrixXd& modelFrames) const;
    /// Encoder outputs (μ, log σ²) of model frames.
    std::pair<Eigen::MatrixXd, Eigen::MatrixXd> encode(const Eigen::MatrixXd& modelFrames) const;
    /// Decoded model frames of latents Z (d×B).
    Eigen::MatrixXd decode(const Eigen::MatrixXd& Z) const;
    /// The latent field f(Z) and one latent step Z + h·f(Z) (followed by the V-safe rescaling for euler_v_safe).
    Eigen::MatrixXd latentField(const Eigen::MatrixXd& Z) const;
    Eigen::MatrixXd latentStep(const Eigen::MatrixXd& Z) const;
    /// Latent V (stable variant; throws sd::Error for naive) and, if gradient is non-null, ∇V.
    Eigen::RowVectorXd latentLyapunov(const Eigen::MatrixXd& Z, Eigen::MatrixXd* gradient = nullptr) const;

    /// The training loss of one minibatch of model frames (current, next: (C·S·S)×B) with explicit
    /// reparameterisation noise (d×B), as a graph reaching every parameter (for tests and gradient checks).
    /// klWeight is κ of the loss; by default kl_weight (the weight after any warm-up).
    ad::Var loss(const Eigen::MatrixXd& current, const Eigen::MatrixXd& next, const Eigen::MatrixXd& noise,
                 std::optional<double> klWeight = std::nullopt) const;
    /// κ used in training epoch `epoch` (0-based): kl_weight·min(1, epoch / kl_warmup_epochs), or kl_weight
    /// when kl_warmup_epochs = 0.
    double klWeightAt(int epoch) const;

    Eigen::Index latentSize() const { return vae_->options().latent; }
    Eigen::Index imageSize() const { return vae_->options().imageSize; }
    const FrameGeometry& frameGeometry() const { return geometry_; }
    double latentRadius() const { return latentRadius_; }
    const ConvVae& vae() const { return *vae_; }
    const lyap::StableDynamics* stableDynamics() const { return stable_ ? &*stable_ : nullptr; }
    /// All trainable parameters: "vae.…" then "dyn.…" (stable: f̂ and V) or "dyn.mlp.…" (naive).
    nn::ParameterSet parameters() const;

private:
    /// Latent field as graph nodes.
    ad::Var latentFieldVar(const ad::Var& z) const;
    /// True for the stable variant with latent_integrator = euler_v_safe.
    bool vSafe() const;
    /// Radial factors s (1×B, entries in [0, 1]) with V(s_j·Znext_j) ≤ e^{−αh}V(Z_j) (euler_v_safe), for a V
    /// evaluator `V` mapping latents to 1×B.
    Eigen::RowVectorXd safeScale(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Znext,
                                 const std::function<Eigen::RowVectorXd(const Eigen::MatrixXd&)>& V) const;
    void refreshEvaluator();

    nlohmann::json hyper_;
    FrameGeometry geometry_;
    std::optional<ConvVae> vae_;
    std::optional<lyap::StableDynamics> stable_;
    std::optional<nn::MLP> naive_;
    std::optional<lyap::FieldEvaluator> evaluator_;
    double latentRadius_ = 0.0;
    nlohmann::json training_;
    mutable std::optional<model::Certificate> certificate_;
};

}  // namespace sd::vae
