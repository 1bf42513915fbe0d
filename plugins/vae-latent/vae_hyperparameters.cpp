#include "plugins/vae-latent/vae_hyperparameters.h"

namespace sd::vae {

const nlohmann::json& hyperparameterSchema() {
    static const nlohmann::json schema = nlohmann::json::parse(R"json({"params": [
  {"key": "variant", "type": "enum", "values": ["stable", "naive"], "default": "stable", "label": "Variant", "group": "Model",
   "doc": "stable: latent dynamics f = Lyapunov projection of an MLP f̂ with a learned ICNN Lyapunov function V (V̇ ≤ −αV for every parameter value; core/lyapunov). naive: an unconstrained latent MLP (the paper's baseline)."},
  {"key": "init_seed", "type": "int", "default": 0, "min": 0, "max": 2147483647, "label": "Initialisation seed", "group": "Model",
   "doc": "Seed of the random initial weights (PyTorch Conv2d/ConvTranspose2d/Linear defaults)."},
  {"key": "image_size", "type": "int", "default": 32, "min": 4, "max": 512, "label": "Image size", "group": "Model",
   "doc": "Side S of the square model frames: every dataset frame is centre-cropped to its largest square and area-downscaled to S×S (never upscaled). S must be divisible by 2^(number of conv layers)."},
  {"key": "conv_widths", "type": "int_list", "default": [16, 32, 64], "min": 1, "max": 1024, "min_items": 1, "max_items": 6,
   "label": "Conv widths", "group": "Model",
   "doc": "Output channels of the encoder convolutions (kernel 4, stride 2, padding 1: each halves the side); the decoder mirrors them with transposed convolutions and ends in a sigmoid (without the reference's ReLU before it)."},
  {"key": "latent", "type": "int", "default": 32, "min": 1, "max": 4096, "label": "Latent size", "group": "Model",
   "doc": "Dimension d of the latent state z (reference: 320 at 320×240)."},
  {"key": "dyn_hidden", "type": "int_list", "default": [64, 64], "min": 1, "max": 4096, "min_items": 1, "max_items": 6,
   "label": "Latent dynamics hidden sizes", "group": "Latent dynamics",
   "doc": "Hidden widths of the nominal latent MLP f̂ (stable) or of the naive latent MLP (reference: d-d-d-d)."},
  {"key": "v_hidden", "type": "int_list", "default": [64, 64], "min": 1, "max": 4096, "min_items": 1, "max_items": 6,
   "label": "ICNN hidden sizes", "group": "Latent dynamics", "visible_if": {"variant": ["stable"]},
   "doc": "Hidden widths of the input-convex network g of the latent Lyapunov function V = ReHU(g(z) − g(0)) + ε‖z‖²."},
  {"key": "inner_rehu_d", "type": "number", "default": 0.005, "min": 0, "exclusive_min": true, "max": 100, "log": true,
   "label": "Inner ReHU d", "group": "Latent dynamics", "visible_if": {"variant": ["stable"]},
   "doc": "Smoothing width of the ReHU activations inside the ICNN."},
  {"key": "eps", "type": "number", "default": 0.01, "min": 0, "exclusive_min": true, "max": 100, "log": true,
   "label": "ε", "group": "Latent dynamics", "visible_if": {"variant": ["stable"]},
   "doc": "Weight of ε‖z‖² in V (reference VAE script: 0.01)."},
  {"key": "alpha", "type": "number", "default": 0.001, "min": 0, "exclusive_min": true, "max": 1000, "log": true,
   "label": "Decay rate α", "group": "Latent dynamics", "visible_if": {"variant": ["stable"]},
   "doc": "Guaranteed latent decay rate V̇ ≤ −αV (reference README: 0.001; its script: 0.0001)."},
  {"key": "latent_step", "type": "number", "default": 1.0, "min": 0, "exclusive_min": true, "max": 100,
   "label": "Latent step h", "group": "Latent dynamics",
   "doc": "One frame is one explicit Euler step z ← z + h·f(z) of the latent dynamics (reference: h = 1)."},
  {"key": "latent_integrator", "type": "enum", "values": ["euler", "euler_v_safe"], "default": "euler_v_safe",
   "label": "Latent step rule", "group": "Latent dynamics", "visible_if": {"variant": ["stable"]},
   "doc": "euler_v_safe (default, ours): after the Euler step z ← z + h·f(z), rescale z⁺ towards 0 along its ray so that V(z⁺) ≤ e^{−αh}V(z) (V is convex with V(0) = 0, so the rescaling exists); generated latents then satisfy V(z_k) ≤ e^{−αhk}V(z_0) and ‖z_k‖² ≤ V(z_0)/ε, i.e. generated videos are bounded by construction. In training the rescaling factor is treated as a constant. euler: the plain step, as in the reference."},
  {"key": "recon_log_weight", "type": "number", "default": 0.0, "min": -10, "max": 10, "label": "log₁₀ β (reconstruction)", "group": "Loss",
   "doc": "Weight β = 10^value of the squared reconstruction error of frame t (reference option 'bce' = 0, a misnomer: it is squared error)."},
  {"key": "kl_weight", "type": "number", "default": 1.0, "min": 0, "max": 1000, "label": "KL weight", "group": "Loss",
   "doc": "Weight of the KL divergence to N(0, I) (reference: 1)."},
  {"key": "next_log_weight", "type": "number", "default": -0.25, "min": -10, "max": 10, "label": "log₁₀ w (next frame)", "group": "Loss",
   "doc": "Weight w = 10^value of the squared error of the next frame decoded from one latent step (reference README: −0.25, w ≈ 0.562)."},
  {"key": "epochs", "type": "int", "default": 50, "min": 0, "max": 1000000, "label": "Epochs", "group": "Training",
   "doc": "Passes over the (t, t+1) frame pairs (reference: 150 at full size)."},
  {"key": "batch_size", "type": "int", "default": 32, "min": 1, "max": 100000000, "label": "Batch size", "group": "Training",
   "doc": "Frame pairs per Adam step."},
  {"key": "lr", "type": "number", "default": 0.0005, "min": 0, "exclusive_min": true, "max": 10, "log": true, "label": "Learning rate",
   "group": "Training", "doc": "Adam step size (β = (0.9, 0.999), eps 1e-8; reference: 5e-4 naive, 2e-4 stable)."},
  {"key": "certificate_samples", "type": "int", "default": 4000, "min": 10, "max": 10000000, "label": "Certificate samples",
   "group": "Certificate", "visible_if": {"variant": ["stable"]},
   "doc": "Latent points (uniform in the ball of the certificate radius) at which V > 0 and V̇ ≤ −αV are checked."},
  {"key": "certificate_trajectories", "type": "int", "default": 8, "min": 1, "max": 10000, "label": "Certificate rollouts",
   "group": "Certificate", "visible_if": {"variant": ["stable"]},
   "doc": "Latent rollouts of certificate_steps Euler steps on which boundedness of the generated latents is checked."},
  {"key": "certificate_steps", "type": "int", "default": 1000, "min": 1, "max": 1000000, "label": "Certificate steps",
   "group": "Certificate", "visible_if": {"variant": ["stable"]},
   "doc": "Length of the certificate's latent rollouts (frames)."}
]})json");
    return schema;
}

}  // namespace sd::vae
