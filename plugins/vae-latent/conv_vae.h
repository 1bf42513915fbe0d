#pragma once
// ConvVae — the convolutional variational auto-encoder of the vae-latent plugin (docs/methods/vae-latent.md §3,
// scaled down: the reference's 320×240 / five-layer layout is replaced by a configurable stack of
// kernel-4, stride-2, padding-1 convolutions that halve the image side at every layer).
//
// Images are columns of C·S·S values in PyTorch C order (core/autodiff/conv.h), a batch is the columns of
// one matrix. With conv widths [w₀, …, w_{L−1}] (S must be divisible by 2^L):
//   encoder:  x (C×S×S) → conv C→w₀ (k4 s2 p1) → ReLU → … → conv w_{L−2}→w_{L−1} → ReLU → flatten (F values)
//             μ = Linear F→d,  log σ² = Linear F→d
//   decoder:  z (d) → Linear d→F → ReLU → reshape w_{L−1}×(S/2^L)² → deconv w_{L−1}→w_{L−2} (k4 s2 p1) → ReLU
//             → … → deconv w₀→C (k4 s2 p1) → sigmoid
//   reparameterisation: z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I) drawn by the caller (seeded Rng).
//
// Output-layer quirk of the reference (docs/methods/vae-latent.md §3.2) — FIXED here: the reference
// applies ReLU after EVERY transposed convolution including the last one and then a sigmoid, so
// sigmoid(ReLU(·)) ∈ [0.5, 1) and the decoder can never produce a dark pixel. Our last transposed
// convolution feeds the sigmoid directly (no ReLU), so decoded pixels span (0, 1).
//
// Initialisation: PyTorch defaults (nn.Conv2d / nn.ConvTranspose2d / nn.Linear: U(±1/√fan_in) for weights
// and biases, fan_in = Cin·k² for conv2d and Cout·k² for the transposed weight layout), drawn from the
// caller's Rng in the order of parameters().
#include "core/autodiff/conv.h"
#include "core/common/rng.h"
#include "core/nn/linear.h"
#include "core/nn/parameters.h"

#include <vector>

namespace sd::vae {

struct ConvVaeOptions {
    Eigen::Index channels = 3;                 ///< image channels C (1 gray, 3 RGB)
    Eigen::Index imageSize = 32;               ///< side S of the square images
    std::vector<Eigen::Index> convWidths{16, 32, 64};
    Eigen::Index latent = 32;                  ///< latent size d
};

class ConvVae {
public:
    /// Throws sd::Error for bad options (S not divisible by 2^L, non-positive sizes, …).
    ConvVae(const ConvVaeOptions& options, Rng& rng);

    struct Encoding {
        ad::Var mu, logVar;                    ///< d×B each
    };
    /// Encoder for images x ((C·S·S)×B).
    Encoding encode(const ad::Var& x) const;
    /// Decoder: z (d×B) → images ((C·S·S)×B) in (0, 1).
    ad::Var decode(const ad::Var& z) const;
    /// μ + exp(½ logVar) ⊙ noise (noise d×B).
    static ad::Var reparameterise(const Encoding& e, const Eigen::MatrixXd& noise);
    /// KL(N(μ, σ²) ‖ N(0, I)) summed over latent entries and the batch: −½ Σ (1 + logσ² − μ² − σ²).
    static ad::Var klDivergence(const Encoding& e);

    const ConvVaeOptions& options() const { return opt_; }
    ad::ImageShape imageShape() const { return {opt_.channels, opt_.imageSize, opt_.imageSize}; }
    Eigen::Index imageValues() const { return imageShape().size(); }
    /// Shape of the last encoder feature map (w_{L−1} × S/2^L × S/2^L).
    ad::ImageShape featureShape() const { return featureShape_; }
    /// "enc.conv<i>.weight/bias", "enc.mu.*", "enc.logvar.*", "dec.fc.*", "dec.deconv<i>.weight/bias".
    nn::ParameterSet parameters() const;

private:
    struct ConvLayer {
        ad::Var weight, bias;
        ad::ImageShape in;                     ///< input image shape of the layer
        ad::Conv2dParams params;
    };
    ConvVaeOptions opt_;
    ad::ImageShape featureShape_;
    std::vector<ConvLayer> enc_, dec_;
    std::vector<nn::Linear> heads_;            ///< mu, logvar, decoder fc
};

}  // namespace sd::vae
