#pragma once
// 2-D convolution ops on batches of images: conv2d and its adjoint convTranspose2d, implemented with
// im2col / col2im and one GEMM per sample on Eigen. Both have fast adjoints and differentiable ones
// (second order through grad(…, createGraph = true)), like every other sd::ad op.
//
// Layout (PyTorch-compatible, so weights can be compared or exchanged with torch.nn.Conv2d)
//  * One image of C channels and H×W pixels is a column vector of C·H·W entries in C order
//    (channel, row, column): entry (c·H + y)·W + x. This is torch's tensor.flatten() of a C×H×W tensor.
//  * A batch of B images is the COLUMNS of one matrix, (C·H·W) × B — the engine's "batch = columns".
//    The image shape (C, H, W) is not stored in the matrix: every op takes it as an ImageShape.
//  * conv2d weight: Cout × (Cin·kh·kw); row o is torch's weight[o] (Cin×kh×kw) flattened, i.e.
//    column (ci·kh + ky)·kw + kx. Bias: Cout × 1, or an undefined Var (no bias).
//  * convTranspose2d weight: Cin × (Cout·kh·kw), torch's ConvTranspose2d layout (in, out, kh, kw)
//    flattened the same way. So with the SAME weight matrix W and no bias, convTranspose2d(·, W) is the
//    adjoint of conv2d(·, W): ⟨conv2d(x, W), y⟩ = ⟨x, convTranspose2d(y, W)⟩ (the output padding picks
//    the adjoint's output size when the stride makes it ambiguous).
//
// Sizes (per spatial dimension; k kernel, s stride, p padding, op output padding):
//    conv2d:          out = ⌊(in + 2p − k) / s⌋ + 1      (≥ 1 required)
//    convTranspose2d: out = (in − 1)·s − 2p + k + op     (0 ≤ op < s; ≥ 1 required)
// Zero padding. No dilation, no groups.
// Bad shapes or parameters throw sd::Error("ad::conv2d" / "ad::convTranspose2d", "… <shapes>").
#include "core/autodiff/var.h"

#include <string>

namespace sd::ad {

/// Channels × height × width of one image.
struct ImageShape {
    Index channels = 0, height = 0, width = 0;

    /// C·H·W, the number of rows of a batch of these images.
    Index size() const { return channels * height * width; }
    /// H·W.
    Index pixels() const { return height * width; }
    bool operator==(const ImageShape&) const = default;
    /// "3x64x64" (C×H×W).
    std::string toString() const;
};

/// Kernel size, stride and zero padding of a convolution (per dimension), and the output padding of
/// a transposed convolution (must be 0 for conv2d).
struct Conv2dParams {
    Index kernelH = 1, kernelW = 1;
    Index strideH = 1, strideW = 1;
    Index padH = 0, padW = 0;
    Index outputPadH = 0, outputPadW = 0;

    /// Square kernel, equal strides and paddings in both dimensions.
    static Conv2dParams square(Index kernel, Index stride = 1, Index padding = 0, Index outputPadding = 0);
};

/// Shape of conv2d's output for one input image (throws sd::Error on invalid parameters or an empty output).
ImageShape conv2dOutputShape(const ImageShape& in, Index outChannels, const Conv2dParams& p);
/// Shape of convTranspose2d's output for one input image (throws as above; also if op ≥ stride).
ImageShape convTranspose2dOutputShape(const ImageShape& in, Index outChannels, const Conv2dParams& p);
/// The output padding that makes convTranspose2d map `convOut`-sized images back to exactly `target`
/// (its conv2d counterpart maps `target` to `convOut`). Throws sd::Error if no output padding in
/// [0, stride) does (for example when target is not a valid conv2d input for convOut).
Conv2dParams withOutputPaddingFor(const Conv2dParams& p, const ImageShape& convOut, const ImageShape& target);

/// Cross-correlation (torch's conv2d): input (Cin·H·W)×B with image shape `in`, weight Cout×(Cin·kh·kw),
/// bias Cout×1 or undefined → (Cout·Ho·Wo)×B.
Var conv2d(const Var& input, const ImageShape& in, const Var& weight, const Var& bias, const Conv2dParams& p);

/// Transposed convolution (torch's conv_transpose2d): input (Cin·H·W)×B with image shape `in`, weight
/// Cin×(Cout·kh·kw), bias Cout×1 or undefined → (Cout·Ho·Wo)×B (sizes in the header comment).
Var convTranspose2d(const Var& input, const ImageShape& in, const Var& weight, const Var& bias,
                    const Conv2dParams& p);

/// The weight gradient of conv2d as an op (used by the differentiable adjoints, exposed for tests):
/// for conv2d's input x (image shape `in`) and a gradient g of its output ((Cout·Ho·Wo)×B), returns
/// Σ_b G_bᵀ·im2col(x_b), Cout×(Cin·kh·kw) — i.e. ∂⟨conv2d(x, W), g⟩/∂W.
Var conv2dWeightGradient(const Var& input, const ImageShape& in, const Var& outputGrad, const Conv2dParams& p);

/// Per-channel sum over all pixels and the whole batch: (C·H·W)×B → C×1 (the bias gradient).
Var channelSum(const Var& images, const ImageShape& shape);
/// Adjoint of channelSum: v (C×1) → (C·H·W)×batch with v(c) at every pixel of channel c.
Var channelBroadcast(const Var& v, const ImageShape& shape, Index batch);

}  // namespace sd::ad
