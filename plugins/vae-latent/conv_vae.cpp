#include "plugins/vae-latent/conv_vae.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"

#include <cmath>
#include <string>

namespace sd::vae {

namespace {

constexpr const char* kWhere = "vae-latent ConvVae";

ad::Var uniformParameter(Rng& rng, Eigen::Index rows, Eigen::Index cols, Eigen::Index fanIn) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
    return ad::Var::parameter(rng.uniformMatrix(rows, cols, -bound, bound));
}

}  // namespace

ConvVae::ConvVae(const ConvVaeOptions& options, Rng& rng) : opt_(options) {
    if (opt_.channels <= 0 || opt_.imageSize <= 0 || opt_.latent <= 0)
        throw Error(kWhere, "channels, image size and latent size must be positive");
    if (opt_.convWidths.empty()) throw Error(kWhere, "needs at least one convolution layer");
    for (Eigen::Index w : opt_.convWidths)
        if (w <= 0) throw Error(kWhere, "convolution widths must be positive");
    const Eigen::Index L = static_cast<Eigen::Index>(opt_.convWidths.size());
    if (L > 20 || opt_.imageSize % (Eigen::Index(1) << L) != 0)
        throw Error(kWhere, "image size " + std::to_string(opt_.imageSize) + " must be divisible by 2^" + std::to_string(L) +
                                " (each of the " + std::to_string(L) + " convolutions halves the side)");
    const ad::Conv2dParams p = ad::Conv2dParams::square(4, 2, 1);
    const Eigen::Index k2 = 16;

    // Encoder convolutions.
    ad::ImageShape shape = imageShape();
    for (Eigen::Index i = 0; i < L; ++i) {
        const Eigen::Index cout = opt_.convWidths[static_cast<std::size_t>(i)];
        ConvLayer layer;
        layer.in = shape;
        layer.params = p;
        layer.weight = uniformParameter(rng, cout, shape.channels * k2, shape.channels * k2);
        layer.bias = uniformParameter(rng, cout, 1, shape.channels * k2);
        enc_.push_back(layer);
        shape = ad::conv2dOutputShape(shape, cout, p);
    }
    featureShape_ = shape;
    const Eigen::Index F = featureShape_.size();
    heads_.emplace_back(F, opt_.latent, rng);  // mu
    heads_.emplace_back(F, opt_.latent, rng);  // logvar
    heads_.emplace_back(opt_.latent, F, rng);  // decoder fc

    // Decoder transposed convolutions, mirroring the encoder: w_{L−1} → … → w₀ → C.
    shape = featureShape_;
    for (Eigen::Index i = L - 1; i >= 0; --i) {
        const Eigen::Index cout = i > 0 ? opt_.convWidths[static_cast<std::size_t>(i - 1)] : opt_.channels;
        const ad::ImageShape target = enc_[static_cast<std::size_t>(i)].in;
        ConvLayer layer;
        layer.in = shape;
        layer.params = ad::withOutputPaddingFor(p, shape, target);
        // ConvTranspose2d weight (Cin, Cout, k, k): PyTorch's fan_in is weight.size(1)·k² = Cout·k².
        layer.weight = uniformParameter(rng, shape.channels, cout * k2, cout * k2);
        layer.bias = uniformParameter(rng, cout, 1, cout * k2);
        dec_.push_back(layer);
        shape = ad::convTranspose2dOutputShape(shape, cout, layer.params);
    }
    if (!(shape == imageShape())) throw Error(kWhere, "internal: decoder output " + shape.toString() + " != " + imageShape().toString());
}

ConvVae::Encoding ConvVae::encode(const ad::Var& x) const {
    if (x.rows() != imageValues())
        throw Error(kWhere, "images have " + std::to_string(x.rows()) + " values, expected " + std::to_string(imageValues()) + " (" +
                                imageShape().toString() + ")");
    ad::Var h = x;
    for (const ConvLayer& l : enc_) h = ad::relu(ad::conv2d(h, l.in, l.weight, l.bias, l.params));
    return {heads_[0](h), heads_[1](h)};
}

ad::Var ConvVae::decode(const ad::Var& z) const {
    if (z.rows() != opt_.latent)
        throw Error(kWhere, "latents have " + std::to_string(z.rows()) + " rows, expected " + std::to_string(opt_.latent));
    ad::Var h = ad::relu(heads_[2](z));
    for (std::size_t i = 0; i < dec_.size(); ++i) {
        const ConvLayer& l = dec_[i];
        h = ad::convTranspose2d(h, l.in, l.weight, l.bias, l.params);
        // ReLU between transposed convolutions only; the last one feeds the sigmoid directly (quirk fixed).
        h = i + 1 < dec_.size() ? ad::relu(h) : ad::sigmoid(h);
    }
    return h;
}

ad::Var ConvVae::reparameterise(const Encoding& e, const Eigen::MatrixXd& noise) {
    if (noise.rows() != e.mu.rows() || noise.cols() != e.mu.cols()) throw Error(kWhere, "noise shape does not match the latent batch");
    return ad::add(e.mu, ad::mul(ad::exp(ad::scale(e.logVar, 0.5)), ad::Var::constant(noise)));
}

ad::Var ConvVae::klDivergence(const Encoding& e) {
    // −½ Σ (1 + logσ² − μ² − exp(logσ²))
    const ad::Var inner = ad::sub(ad::sub(ad::affine(e.logVar, 1.0, 1.0), ad::square(e.mu)), ad::exp(e.logVar));
    return ad::scale(ad::sum(inner), -0.5);
}

nn::ParameterSet ConvVae::parameters() const {
    nn::ParameterSet p;
    for (std::size_t i = 0; i < enc_.size(); ++i) {
        p.add("enc.conv" + std::to_string(i) + ".weight", enc_[i].weight);
        p.add("enc.conv" + std::to_string(i) + ".bias", enc_[i].bias);
    }
    p.append("enc.mu", heads_[0].parameters());
    p.append("enc.logvar", heads_[1].parameters());
    p.append("dec.fc", heads_[2].parameters());
    for (std::size_t i = 0; i < dec_.size(); ++i) {
        p.add("dec.deconv" + std::to_string(i) + ".weight", dec_[i].weight);
        p.add("dec.deconv" + std::to_string(i) + ".bias", dec_[i].bias);
    }
    return p;
}

}  // namespace sd::vae
