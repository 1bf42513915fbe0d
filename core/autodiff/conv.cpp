// Convolution ops: conv2d, convTranspose2d, the conv2d weight gradient, per-channel sum/broadcast.
//
// Everything is written in terms of one "convolution geometry": a conv2d from images C×H×W to Ho×Wo
// output pixels with kernel kh×kw, stride and padding. For conv2d that is the op itself; for
// convTranspose2d it is the conv2d whose adjoint it is (C×H×W is then the transposed conv's OUTPUT).
//
// im2col here is the transposed patch matrix P (Ho·Wo × C·kh·kw): row p = oy·Wo + ox, column
// q = (c·kh + ky)·kw + kx, P(p, q) = x[c, oy·s − pad + ky, ox·s − pad + kx] (0 outside the image).
// With the column-major map Y_b (Ho·Wo × Cout) of output column b, conv2d is Y_b = P_b·Wᵀ (+ bias), and
// the C-order flattening of the Cout×Ho×Wo output is exactly Y_b's column-major storage.
#include "core/autodiff/conv.h"

#include "core/autodiff/gemm.h"
#include "core/common/error.h"
#include "core/common/thread_pool.h"

#include <Eigen/Core>
#include <algorithm>

namespace sd::ad {

namespace {

using ConstMap = Eigen::Map<const MatrixXd>;
using MutMap = Eigen::Map<MatrixXd>;

struct Geo {
    Index C = 0, H = 0, W = 0;       // conv2d input image
    Index kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0;
    Index Ho = 0, Wo = 0;            // conv2d output pixels
    Index patch() const { return C * kh * kw; }
    Index outPixels() const { return Ho * Wo; }
    Index inSize() const { return C * H * W; }
};

// Columns [q0, q1) of P = im2col(x) for one image x (C·H·W contiguous doubles), as the columns of P (resized to
// Ho·Wo × (q1 − q0)).
void im2colColumns(const double* x, const Geo& g, Index q0, Index q1, MatrixXd& P) {
    P.resize(g.outPixels(), q1 - q0);
    for (Index q = q0; q < q1; ++q) {
        const Index c = q / (g.kh * g.kw), ky = (q / g.kw) % g.kh, kx = q % g.kw;
        double* dst = P.col(q - q0).data();
        for (Index oy = 0; oy < g.Ho; ++oy) {
            const Index y = oy * g.sh - g.ph + ky;
            double* d = dst + oy * g.Wo;
            if (y < 0 || y >= g.H) {
                for (Index ox = 0; ox < g.Wo; ++ox) d[ox] = 0.0;
                continue;
            }
            const double* row = x + (c * g.H + y) * g.W;
            for (Index ox = 0; ox < g.Wo; ++ox) {
                const Index xx = ox * g.sw - g.pw + kx;
                d[ox] = (xx >= 0 && xx < g.W) ? row[xx] : 0.0;
            }
        }
    }
}

// P = im2col(x) for one image x: Ho·Wo × C·kh·kw.
void im2col(const double* x, const Geo& g, MatrixXd& P) { im2colColumns(x, g, 0, g.patch(), P); }

// x += col2im(P): the adjoint of im2col, accumulating into one image x (C·H·W contiguous doubles).
void col2imAdd(const MatrixXd& P, const Geo& g, double* x) {
    for (Index c = 0; c < g.C; ++c)
        for (Index ky = 0; ky < g.kh; ++ky)
            for (Index kx = 0; kx < g.kw; ++kx) {
                const double* src = P.col((c * g.kh + ky) * g.kw + kx).data();
                for (Index oy = 0; oy < g.Ho; ++oy) {
                    const Index y = oy * g.sh - g.ph + ky;
                    if (y < 0 || y >= g.H) continue;
                    const double* s = src + oy * g.Wo;
                    double* row = x + (c * g.H + y) * g.W;
                    for (Index ox = 0; ox < g.Wo; ++ox) {
                        const Index xx = ox * g.sw - g.pw + kx;
                        if (xx >= 0 && xx < g.W) row[xx] += s[ox];
                    }
                }
            }
}

// ---- pure-Eigen kernels (batch = columns) ------------------------------------------------------------

// conv2d: x (C·H·W × B), Wt (Cout × patch), optional bias → (Cout·Ho·Wo × B); adds into `out` if accumulate.
void convForward(const MatrixXd& x, const MatrixXd& Wt, const MatrixXd* bias, const Geo& g, MatrixXd& out,
                 bool accumulate) {
    const Index cout = Wt.rows(), B = x.cols();
    if (!accumulate) out.setZero(cout * g.outPixels(), B);
    // One task per image (its own output column): the same result for any thread count
    // (docs/methods/core.md §1.6).
    parallelFor(static_cast<int>(B), [&](int b) {
        MatrixXd P;
        im2col(x.col(b).data(), g, P);
        MutMap Y(out.col(b).data(), g.outPixels(), cout);
        gemm(1.0, P, false, Wt, true, 1.0, Y);
        if (bias) Y.rowwise() += bias->col(0).transpose();
    });
}

// Adjoint of convForward in x: y (Cout·Ho·Wo × B) → (C·H·W × B), added into `out`.
void convAdjointAdd(const MatrixXd& y, const MatrixXd& Wt, const Geo& g, MatrixXd& out) {
    const Index cout = Wt.rows(), B = y.cols();
    parallelFor(static_cast<int>(B), [&](int b) {  // one task per image, as in convForward
        MatrixXd P(g.outPixels(), g.patch());
        const ConstMap Yb(y.col(b).data(), g.outPixels(), cout);
        gemm(1.0, Yb, false, Wt, false, 0.0, P);
        col2imAdd(P, g, out.col(b).data());
    });
}

// Σ_b G_bᵀ·im2col(x_b) (Cout × patch), added into `out`.
void weightGradAdd(const MatrixXd& x, const MatrixXd& G, const Geo& g, MatrixXd& out) {
    const Index cout = G.rows() / g.outPixels();
    // A sum over images: the tasks split the patch columns of `out` instead (block edges from the geometry
    // alone), and each sums over all images in order — the same result for any thread count
    // (docs/methods/core.md §1.6).
    const double work = double(cout) * double(g.outPixels()) * double(g.patch()) * double(x.cols());
    const Index blocks = std::max<Index>(1, std::min<Index>({4, g.patch() / 8, Index(work / 262144.0)}));
    parallelFor(static_cast<int>(blocks), [&](int blk) {
        const Index q0 = g.patch() * blk / blocks, q1 = g.patch() * (blk + 1) / blocks;
        MatrixXd P;
        auto outBlock = out.middleCols(q0, q1 - q0);
        for (Index b = 0; b < x.cols(); ++b) {
            im2colColumns(x.col(b).data(), g, q0, q1, P);
            const ConstMap Gb(G.col(b).data(), g.outPixels(), cout);
            gemm(1.0, Gb, true, P, false, 1.0, outBlock);
        }
    });
}

MatrixXd channelSumValue(const MatrixXd& x, Index C, Index pixels) {
    MatrixXd s = MatrixXd::Zero(C, 1);
    for (Index b = 0; b < x.cols(); ++b)
        for (Index c = 0; c < C; ++c) s(c, 0) += x.col(b).segment(c * pixels, pixels).sum();
    return s;
}

void channelBroadcastAdd(const MatrixXd& v, Index pixels, MatrixXd& out) {
    for (Index b = 0; b < out.cols(); ++b)
        for (Index c = 0; c < v.rows(); ++c) out.col(b).segment(c * pixels, pixels).array() += v(c, 0);
}

// ---- node builders on a geometry (no validation; the public functions validate) -------------------------

Var convGeo(const Var& x, const Var& W, const Var& b, const Geo& g);
Var convTGeo(const Var& y, const Var& W, const Var& b, const Geo& g);
Var weightGradGeo(const Var& x, const Var& G, const Geo& g);
Var channelSumPix(const Var& x, Index C, Index pixels);
Var channelBroadcastPix(const Var& v, Index pixels, Index batch);

std::vector<Var> withOptional(const Var& a, const Var& b, const Var& c) {
    return c.defined() ? std::vector<Var>{a, b, c} : std::vector<Var>{a, b};
}

MatrixXd convValue(const MatrixXd& x, const MatrixXd& W, const MatrixXd* bias, const Geo& g) {
    MatrixXd out;
    convForward(x, W, bias, g, out, false);
    return out;
}

class Conv2dNode final : public Node {
public:
    Conv2dNode(const Var& x, const Var& W, const Var& b, const Geo& g)
        : Node(withOptional(x, W, b), convValue(x.value(), W.value(), b.defined() ? &b.value() : nullptr, g)), g_(g) {}
    const char* name() const override { return "conv2d"; }
    void backward(const MatrixXd& gy, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& W = inputs_[1].value();
        if (gi[0]) convAdjointAdd(gy, W, g_, *gi[0]);
        if (gi[1]) weightGradAdd(inputs_[0].value(), gy, g_, *gi[1]);
        if (gi.size() > 2 && gi[2]) *gi[2] += channelSumValue(gy, W.rows(), g_.outPixels());
    }
    std::vector<Var> backwardGraph(const Var&, const Var& gy) const override {
        std::vector<Var> r(inputs_.size());
        if (inputs_[0].requiresGrad()) r[0] = convTGeo(gy, inputs_[1], Var(), g_);
        if (inputs_[1].requiresGrad()) r[1] = weightGradGeo(inputs_[0], gy, g_);
        if (inputs_.size() > 2 && inputs_[2].requiresGrad())
            r[2] = channelSumPix(gy, inputs_[1].rows(), g_.outPixels());
        return r;
    }

private:
    Geo g_;
};

MatrixXd convTValue(const MatrixXd& y, const MatrixXd& W, const MatrixXd* bias, const Geo& g) {
    MatrixXd out = MatrixXd::Zero(g.inSize(), y.cols());
    convAdjointAdd(y, W, g, out);
    if (bias) channelBroadcastAdd(*bias, g.H * g.W, out);
    return out;
}

class ConvTranspose2dNode final : public Node {
public:
    ConvTranspose2dNode(const Var& y, const Var& W, const Var& b, const Geo& g)
        : Node(withOptional(y, W, b), convTValue(y.value(), W.value(), b.defined() ? &b.value() : nullptr, g)),
          g_(g) {}
    const char* name() const override { return "convTranspose2d"; }
    void backward(const MatrixXd& gz, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& W = inputs_[1].value();
        if (gi[0]) convForward(gz, W, nullptr, g_, *gi[0], true);
        // ∂/∂W of ⟨col2im(Y_b·W), gz⟩ = Σ_b Y_bᵀ·im2col(gz_b): the conv2d weight gradient with roles swapped.
        if (gi[1]) weightGradAdd(gz, inputs_[0].value(), g_, *gi[1]);
        if (gi.size() > 2 && gi[2]) *gi[2] += channelSumValue(gz, g_.C, g_.H * g_.W);
    }
    std::vector<Var> backwardGraph(const Var&, const Var& gz) const override {
        std::vector<Var> r(inputs_.size());
        if (inputs_[0].requiresGrad()) r[0] = convGeo(gz, inputs_[1], Var(), g_);
        if (inputs_[1].requiresGrad()) r[1] = weightGradGeo(gz, inputs_[0], g_);
        if (inputs_.size() > 2 && inputs_[2].requiresGrad()) r[2] = channelSumPix(gz, g_.C, g_.H * g_.W);
        return r;
    }

private:
    Geo g_;
};

MatrixXd weightGradValue(const MatrixXd& x, const MatrixXd& G, const Geo& g) {
    MatrixXd out = MatrixXd::Zero(G.rows() / g.outPixels(), g.patch());
    weightGradAdd(x, G, g, out);
    return out;
}

// S(x, G) = Σ_b G_bᵀ·P_b(x), bilinear. With seed Σ̄ (Cout × patch):
//   ∂/∂x = convTranspose(G, Σ̄) (= conv2d's input adjoint with weight Σ̄), ∂/∂G = conv2d(x, Σ̄).
class WeightGradNode final : public Node {
public:
    WeightGradNode(const Var& x, const Var& G, const Geo& g) : Node({x, G}, weightGradValue(x.value(), G.value(), g)), g_(g) {}
    const char* name() const override { return "conv2dWeightGradient"; }
    void backward(const MatrixXd& s, std::span<MatrixXd* const> gi) const override {
        if (gi[0]) convAdjointAdd(inputs_[1].value(), s, g_, *gi[0]);
        if (gi[1]) convForward(inputs_[0].value(), s, nullptr, g_, *gi[1], true);
    }
    std::vector<Var> backwardGraph(const Var&, const Var& s) const override {
        std::vector<Var> r(2);
        if (inputs_[0].requiresGrad()) r[0] = convTGeo(inputs_[1], s, Var(), g_);
        if (inputs_[1].requiresGrad()) r[1] = convGeo(inputs_[0], s, Var(), g_);
        return r;
    }

private:
    Geo g_;
};

class ChannelSumNode final : public Node {
public:
    ChannelSumNode(const Var& x, Index C, Index pixels) : Node({x}, channelSumValue(x.value(), C, pixels)), pixels_(pixels) {}
    const char* name() const override { return "channelSum"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { channelBroadcastAdd(g, pixels_, *gi[0]); }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {channelBroadcastPix(g, pixels_, inputs_[0].cols())};
    }

private:
    Index pixels_;
};

MatrixXd channelBroadcastValue(const MatrixXd& v, Index pixels, Index batch) {
    MatrixXd out = MatrixXd::Zero(v.rows() * pixels, batch);
    channelBroadcastAdd(v, pixels, out);
    return out;
}

class ChannelBroadcastNode final : public Node {
public:
    ChannelBroadcastNode(const Var& v, Index pixels, Index batch)
        : Node({v}, channelBroadcastValue(v.value(), pixels, batch)), pixels_(pixels) {}
    const char* name() const override { return "channelBroadcast"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        *gi[0] += channelSumValue(g, inputs_[0].rows(), pixels_);
    }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override {
        return {channelSumPix(g, inputs_[0].rows(), pixels_)};
    }

private:
    Index pixels_;
};

Var convGeo(const Var& x, const Var& W, const Var& b, const Geo& g) { return makeVar<Conv2dNode>(x, W, b, g); }
Var convTGeo(const Var& y, const Var& W, const Var& b, const Geo& g) { return makeVar<ConvTranspose2dNode>(y, W, b, g); }
Var weightGradGeo(const Var& x, const Var& G, const Geo& g) { return makeVar<WeightGradNode>(x, G, g); }
Var channelSumPix(const Var& x, Index C, Index pixels) { return makeVar<ChannelSumNode>(x, C, pixels); }
Var channelBroadcastPix(const Var& v, Index pixels, Index batch) { return makeVar<ChannelBroadcastNode>(v, pixels, batch); }

// ---- validation ---------------------------------------------------------------------------------------------

std::string paramString(const Conv2dParams& p) {
    return "kernel " + std::to_string(p.kernelH) + "x" + std::to_string(p.kernelW) + ", stride " +
           std::to_string(p.strideH) + "x" + std::to_string(p.strideW) + ", padding " + std::to_string(p.padH) +
           "x" + std::to_string(p.padW);
}

void checkParams(const char* op, const ImageShape& in, const Conv2dParams& p, bool transposed) {
    const std::string where = std::string("ad::") + op;
    if (in.channels < 1 || in.height < 1 || in.width < 1)
        throw Error(where, "image shape must be positive, found " + in.toString());
    if (p.kernelH < 1 || p.kernelW < 1 || p.strideH < 1 || p.strideW < 1)
        throw Error(where, "kernel and stride must be >= 1 (" + paramString(p) + ")");
    if (p.padH < 0 || p.padW < 0) throw Error(where, "padding must be >= 0 (" + paramString(p) + ")");
    if (!transposed && (p.outputPadH != 0 || p.outputPadW != 0))
        throw Error(where, "output padding is only for convTranspose2d (found " + std::to_string(p.outputPadH) + "x" +
                               std::to_string(p.outputPadW) + ")");
    if (transposed && (p.outputPadH < 0 || p.outputPadW < 0 || p.outputPadH >= p.strideH || p.outputPadW >= p.strideW))
        throw Error(where, "output padding must be in [0, stride): " + std::to_string(p.outputPadH) + "x" +
                               std::to_string(p.outputPadW) + " with stride " + std::to_string(p.strideH) + "x" +
                               std::to_string(p.strideW));
}

Geo geometry(const ImageShape& convIn, const ImageShape& convOut, const Conv2dParams& p) {
    Geo g;
    g.C = convIn.channels;
    g.H = convIn.height;
    g.W = convIn.width;
    g.kh = p.kernelH;
    g.kw = p.kernelW;
    g.sh = p.strideH;
    g.sw = p.strideW;
    g.ph = p.padH;
    g.pw = p.padW;
    g.Ho = convOut.height;
    g.Wo = convOut.width;
    return g;
}

void checkOperands(const char* op, const Var& input, const ImageShape& in, const Var& weight, Index weightRows,
                   Index weightCols, const Var& bias, Index biasRows) {
    const std::string where = std::string("ad::") + op;
    if (!input.defined() || !weight.defined()) throw Error(where, "input and weight must be defined");
    if (input.rows() != in.size())
        throw Error(where, "input has " + std::to_string(input.rows()) + " rows, expected C*H*W = " +
                               std::to_string(in.size()) + " for images " + in.toString() + " (input " +
                               shapeString(input.value()) + ")");
    if (weight.rows() != weightRows || weight.cols() != weightCols)
        throw Error(where, "weight is " + shapeString(weight.value()) + ", expected " +
                               shapeString(weightRows, weightCols));
    if (bias.defined() && (bias.rows() != biasRows || bias.cols() != 1))
        throw Error(where, "bias is " + shapeString(bias.value()) + ", expected " + shapeString(biasRows, 1));
}

}  // namespace

std::string ImageShape::toString() const {
    return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

Conv2dParams Conv2dParams::square(Index kernel, Index stride, Index padding, Index outputPadding) {
    Conv2dParams p;
    p.kernelH = p.kernelW = kernel;
    p.strideH = p.strideW = stride;
    p.padH = p.padW = padding;
    p.outputPadH = p.outputPadW = outputPadding;
    return p;
}

ImageShape conv2dOutputShape(const ImageShape& in, Index outChannels, const Conv2dParams& p) {
    checkParams("conv2d", in, p, false);
    if (outChannels < 1) throw Error("ad::conv2d", "output channels must be >= 1");
    const Index h = in.height + 2 * p.padH - p.kernelH, w = in.width + 2 * p.padW - p.kernelW;
    if (h < 0 || w < 0)
        throw Error("ad::conv2d", "kernel larger than the padded image " + in.toString() + " (" + paramString(p) + ")");
    return {outChannels, h / p.strideH + 1, w / p.strideW + 1};
}

ImageShape convTranspose2dOutputShape(const ImageShape& in, Index outChannels, const Conv2dParams& p) {
    checkParams("convTranspose2d", in, p, true);
    if (outChannels < 1) throw Error("ad::convTranspose2d", "output channels must be >= 1");
    const ImageShape out{outChannels, (in.height - 1) * p.strideH - 2 * p.padH + p.kernelH + p.outputPadH,
                         (in.width - 1) * p.strideW - 2 * p.padW + p.kernelW + p.outputPadW};
    if (out.height < 1 || out.width < 1)
        throw Error("ad::convTranspose2d", "empty output " + out.toString() + " for input " + in.toString() + " (" +
                                               paramString(p) + ")");
    return out;
}

Conv2dParams withOutputPaddingFor(const Conv2dParams& p, const ImageShape& convOut, const ImageShape& target) {
    Conv2dParams q = p;
    q.outputPadH = target.height - ((convOut.height - 1) * p.strideH - 2 * p.padH + p.kernelH);
    q.outputPadW = target.width - ((convOut.width - 1) * p.strideW - 2 * p.padW + p.kernelW);
    if (q.outputPadH < 0 || q.outputPadH >= p.strideH || q.outputPadW < 0 || q.outputPadW >= p.strideW)
        throw Error("ad::convTranspose2d", "no output padding maps " + convOut.toString() + " to " + target.toString() +
                                               " (" + paramString(p) + ")");
    return q;
}

Var conv2d(const Var& input, const ImageShape& in, const Var& weight, const Var& bias, const Conv2dParams& p) {
    if (!weight.defined()) throw Error("ad::conv2d", "weight must be defined");
    const Index cout = weight.rows();
    const ImageShape out = conv2dOutputShape(in, cout, p);
    checkOperands("conv2d", input, in, weight, cout, in.channels * p.kernelH * p.kernelW, bias, cout);
    return convGeo(input, weight, bias, geometry(in, out, p));
}

Var convTranspose2d(const Var& input, const ImageShape& in, const Var& weight, const Var& bias, const Conv2dParams& p) {
    if (!weight.defined()) throw Error("ad::convTranspose2d", "weight must be defined");
    const Index kk = p.kernelH * p.kernelW;
    if (kk < 1 || weight.cols() % kk != 0 || weight.cols() == 0)
        throw Error("ad::convTranspose2d", "weight is " + shapeString(weight.value()) +
                                               ", expected Cin x (Cout*kh*kw) with kernel " +
                                               std::to_string(p.kernelH) + "x" + std::to_string(p.kernelW));
    const Index cout = weight.cols() / kk;
    const ImageShape out = convTranspose2dOutputShape(in, cout, p);
    checkOperands("convTranspose2d", input, in, weight, in.channels, cout * kk, bias, cout);
    return convTGeo(input, weight, bias, geometry(out, in, p));
}

Var conv2dWeightGradient(const Var& input, const ImageShape& in, const Var& outputGrad, const Conv2dParams& p) {
    const ImageShape o1 = conv2dOutputShape(in, 1, p);
    if (!input.defined() || !outputGrad.defined()) throw Error("ad::conv2dWeightGradient", "operands must be defined");
    if (input.rows() != in.size() || outputGrad.cols() != input.cols() || outputGrad.rows() % o1.pixels() != 0 ||
        outputGrad.rows() == 0)
        throw Error("ad::conv2dWeightGradient", "input " + shapeString(input.value()) + " (images " + in.toString() +
                                                    ") and output gradient " + shapeString(outputGrad.value()) +
                                                    " do not fit " + std::to_string(o1.height) + "x" +
                                                    std::to_string(o1.width) + " output pixels");
    return weightGradGeo(input, outputGrad, geometry(in, o1, p));
}

Var channelSum(const Var& images, const ImageShape& shape) {
    if (images.rows() != shape.size() || shape.size() == 0)
        throw Error("ad::channelSum", "input " + shapeString(images.value()) + " does not hold images " + shape.toString());
    return channelSumPix(images, shape.channels, shape.pixels());
}

Var channelBroadcast(const Var& v, const ImageShape& shape, Index batch) {
    if (v.rows() != shape.channels || v.cols() != 1 || shape.pixels() < 1 || batch < 0)
        throw Error("ad::channelBroadcast", "vector " + shapeString(v.value()) + " does not fit images " +
                                                shape.toString() + " (expected " + std::to_string(shape.channels) + "x1)");
    return channelBroadcastPix(v, shape.pixels(), batch);
}

}  // namespace sd::ad
