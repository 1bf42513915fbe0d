// conv2d / convTranspose2d: against direct nested-loop implementations written here, against central
// finite differences (first and second order), the adjoint identity between the two, output sizes
// (PyTorch's formulas, the reference VAE's layer sizes) and shape errors.
#include "core/autodiff/backward.h"
#include "core/autodiff/conv.h"
#include "core/autodiff/gradcheck.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"

#include <QtTest>

using namespace sd::ad;
using Eigen::MatrixXd;

namespace {

// Index of pixel (c, y, x) of a C×H×W image in the documented C-order layout.
Index at(const ImageShape& s, Index c, Index y, Index x) { return (c * s.height + y) * s.width + x; }

// torch.nn.functional.conv2d written as the textbook sum, weight W[o, c, ky, kx] = W(o, (c·kh+ky)·kw+kx).
MatrixXd referenceConv(const MatrixXd& X, const ImageShape& in, const MatrixXd& W, const MatrixXd* bias,
                       const Conv2dParams& p) {
    const Index cout = W.rows();
    const Index Ho = (in.height + 2 * p.padH - p.kernelH) / p.strideH + 1;
    const Index Wo = (in.width + 2 * p.padW - p.kernelW) / p.strideW + 1;
    const ImageShape out{cout, Ho, Wo};
    MatrixXd Y = MatrixXd::Zero(out.size(), X.cols());
    for (Index b = 0; b < X.cols(); ++b)
        for (Index o = 0; o < cout; ++o)
            for (Index oy = 0; oy < Ho; ++oy)
                for (Index ox = 0; ox < Wo; ++ox) {
                    double s = bias ? (*bias)(o, 0) : 0.0;
                    for (Index c = 0; c < in.channels; ++c)
                        for (Index ky = 0; ky < p.kernelH; ++ky)
                            for (Index kx = 0; kx < p.kernelW; ++kx) {
                                const Index y = oy * p.strideH - p.padH + ky, x = ox * p.strideW - p.padW + kx;
                                if (y < 0 || y >= in.height || x < 0 || x >= in.width) continue;
                                s += W(o, (c * p.kernelH + ky) * p.kernelW + kx) * X(at(in, c, y, x), b);
                            }
                    Y(at(out, o, oy, ox), b) = s;
                }
    return Y;
}

// torch.nn.functional.conv_transpose2d as the scatter definition: every input pixel (ci, iy, ix) adds
// x·W[ci, co, ky, kx] to output pixel (co, iy·s − p + ky, ix·s − p + kx).
MatrixXd referenceConvT(const MatrixXd& X, const ImageShape& in, const MatrixXd& W, const MatrixXd* bias,
                        const Conv2dParams& p) {
    const Index kk = p.kernelH * p.kernelW, cout = W.cols() / kk;
    const ImageShape out{cout, (in.height - 1) * p.strideH - 2 * p.padH + p.kernelH + p.outputPadH,
                         (in.width - 1) * p.strideW - 2 * p.padW + p.kernelW + p.outputPadW};
    MatrixXd Y = MatrixXd::Zero(out.size(), X.cols());
    for (Index b = 0; b < X.cols(); ++b) {
        for (Index ci = 0; ci < in.channels; ++ci)
            for (Index iy = 0; iy < in.height; ++iy)
                for (Index ix = 0; ix < in.width; ++ix)
                    for (Index co = 0; co < cout; ++co)
                        for (Index ky = 0; ky < p.kernelH; ++ky)
                            for (Index kx = 0; kx < p.kernelW; ++kx) {
                                const Index y = iy * p.strideH - p.padH + ky, x = ix * p.strideW - p.padW + kx;
                                if (y < 0 || y >= out.height || x < 0 || x >= out.width) continue;
                                Y(at(out, co, y, x), b) += X(at(in, ci, iy, ix), b) * W(ci, (co * p.kernelH + ky) * p.kernelW + kx);
                            }
        if (bias)
            for (Index co = 0; co < cout; ++co)
                for (Index k = 0; k < out.pixels(); ++k) Y(co * out.pixels() + k, b) += (*bias)(co, 0);
    }
    return Y;
}

Conv2dParams params(Index kh, Index kw, Index sh, Index sw, Index ph, Index pw) {
    Conv2dParams p;
    p.kernelH = kh;
    p.kernelW = kw;
    p.strideH = sh;
    p.strideW = sw;
    p.padH = ph;
    p.padW = pw;
    return p;
}

// A random valid geometry: kernel 1..3, stride 1..2, padding 0..kernel-1, images up to 3×6×6.
struct Case {
    ImageShape in;
    Index cout;
    Conv2dParams p;
    Index batch;
};
Case randomCase(sd::Rng& rng) {
    for (;;) {
        Case c;
        c.p = params(rng.uniformInt(1, 3), rng.uniformInt(1, 3), rng.uniformInt(1, 2), rng.uniformInt(1, 2), 0, 0);
        c.p.padH = rng.uniformInt(0, c.p.kernelH - 1);
        c.p.padW = rng.uniformInt(0, c.p.kernelW - 1);
        c.in = {rng.uniformInt(1, 3), rng.uniformInt(2, 6), rng.uniformInt(2, 6)};
        c.cout = rng.uniformInt(1, 3);
        c.batch = rng.uniformInt(1, 3);
        if (c.in.height + 2 * c.p.padH >= c.p.kernelH && c.in.width + 2 * c.p.padW >= c.p.kernelW) return c;
    }
}

void expectGrad(const char* what, const CheckedFunction& f, const std::vector<MatrixXd>& inputs, bool secondOrder) {
    const GradCheckResult r1 = checkGradient(f, inputs);
    QVERIFY2(r1.ok, (std::string(what) + " first order: " + r1.message).c_str());
    if (!secondOrder) return;
    // Linear ops have zero Hessian; square(f) pushes a non-constant adjoint through the differentiable backward.
    const CheckedFunction sq = [&](const std::vector<Var>& x) { return square(f(x)); };
    const GradCheckResult r2 = checkSecondOrder(sq, inputs);
    QVERIFY2(r2.ok, (std::string(what) + " second order of square: " + r2.message).c_str());
}

template <class F>
void expectError(F&& f, const char* fragment) {
    try {
        f();
    } catch (const sd::Error& e) {
        const std::string msg = e.what();
        QVERIFY2(msg.find(fragment) != std::string::npos, ("message \"" + msg + "\" lacks \"" + fragment + "\"").c_str());
        QVERIFY2(msg.rfind("ad::", 0) == 0, msg.c_str());
        return;
    }
    QFAIL((std::string("expected sd::Error containing ") + fragment).c_str());
}

}  // namespace

class TestAutodiffConv : public QObject {
    Q_OBJECT
private slots:
    void outputShapesFollowPyTorch() {
        // The reference VAE (docs/methods/vae-latent.md §3.2): 3×240×320 through five valid convolutions.
        ImageShape s{3, 240, 320};
        const std::pair<Index, Conv2dParams> enc[] = {{8, Conv2dParams::square(9, 2)}, {16, Conv2dParams::square(9, 2)},
                                                      {32, Conv2dParams::square(5, 2)}, {64, Conv2dParams::square(5, 2)},
                                                      {128, Conv2dParams::square(3, 1)}};
        const ImageShape expected[] = {{8, 116, 156}, {16, 54, 74}, {32, 25, 35}, {64, 11, 16}, {128, 9, 14}};
        std::vector<ImageShape> chain{s};
        for (int i = 0; i < 5; ++i) {
            s = conv2dOutputShape(s, enc[i].first, enc[i].second);
            QCOMPARE(s, expected[i]);
            chain.push_back(s);
        }
        QCOMPARE(s.size(), Index(16128));
        // The decoder mirrors it: the output padding that restores each encoder input size exactly.
        for (int i = 4; i >= 0; --i) {
            const ImageShape target{chain[i].channels, chain[i].height, chain[i].width};
            const Conv2dParams q = withOutputPaddingFor(enc[i].second, chain[i + 1], target);
            QCOMPARE(convTranspose2dOutputShape(chain[i + 1], target.channels, q), target);
        }
        // 116 = ⌊(240 − 9)/2⌋ + 1 drops a row, so going back to 240 needs output padding 1 there.
        QCOMPARE(withOutputPaddingFor(enc[0].second, chain[1], chain[0]).outputPadH, Index(1));
        // Padding 1, stride 2: 7 → 4 → 7 with output padding 0, → 8 with 1.
        const Conv2dParams p = Conv2dParams::square(3, 2, 1);
        QCOMPARE(conv2dOutputShape({1, 7, 8}, 2, p), (ImageShape{2, 4, 4}));
        QCOMPARE(convTranspose2dOutputShape({2, 4, 4}, 1, p), (ImageShape{1, 7, 7}));
        QCOMPARE(convTranspose2dOutputShape({2, 4, 4}, 1, Conv2dParams::square(3, 2, 1, 1)), (ImageShape{1, 8, 8}));
    }

    void conv2dMatchesDirectLoops() {
        sd::Rng rng(101);
        for (int t = 0; t < 25; ++t) {
            const Case c = randomCase(rng);
            const MatrixXd X = rng.normalMatrix(c.in.size(), c.batch);
            const MatrixXd W = rng.normalMatrix(c.cout, c.in.channels * c.p.kernelH * c.p.kernelW);
            const MatrixXd b = rng.normalMatrix(c.cout, 1);
            const MatrixXd ref = referenceConv(X, c.in, W, &b, c.p);
            const Var y = conv2d(Var::constant(X), c.in, Var::constant(W), Var::constant(b), c.p);
            QCOMPARE(y.rows(), ref.rows());
            QCOMPARE(y.cols(), ref.cols());
            QVERIFY2((y.value() - ref).lpNorm<Eigen::Infinity>() < 1e-12, qPrintable(QString("case %1").arg(t)));
            QCOMPARE(y.rows(), conv2dOutputShape(c.in, c.cout, c.p).size());
            const Var y0 = conv2d(Var::constant(X), c.in, Var::constant(W), Var(), c.p);
            QVERIFY((y0.value() - referenceConv(X, c.in, W, nullptr, c.p)).lpNorm<Eigen::Infinity>() < 1e-12);
        }
        // A hand-computed case: 1×3×3 image, 2×2 all-ones kernel, stride 1, padding 0 → 2×2 window sums.
        MatrixXd x(9, 1);
        x << 1, 2, 3, 4, 5, 6, 7, 8, 9;
        const Var y = conv2d(Var::constant(x), {1, 3, 3}, Var::constant(MatrixXd::Ones(1, 4)), Var(), Conv2dParams::square(2));
        QCOMPARE(y.value()(0, 0), 12.0);   // 1+2+4+5
        QCOMPARE(y.value()(1, 0), 16.0);   // 2+3+5+6
        QCOMPARE(y.value()(2, 0), 24.0);   // 4+5+7+8
        QCOMPARE(y.value()(3, 0), 28.0);   // 5+6+8+9
    }

    void convTranspose2dMatchesDirectLoops() {
        sd::Rng rng(102);
        for (int t = 0; t < 25; ++t) {
            Case c = randomCase(rng);
            c.p.outputPadH = rng.uniformInt(0, c.p.strideH - 1);
            c.p.outputPadW = rng.uniformInt(0, c.p.strideW - 1);
            const Index kk = c.p.kernelH * c.p.kernelW;
            if ((c.in.height - 1) * c.p.strideH - 2 * c.p.padH + c.p.kernelH + c.p.outputPadH < 1 ||
                (c.in.width - 1) * c.p.strideW - 2 * c.p.padW + c.p.kernelW + c.p.outputPadW < 1)
                continue;
            const MatrixXd X = rng.normalMatrix(c.in.size(), c.batch);
            const MatrixXd W = rng.normalMatrix(c.in.channels, c.cout * kk);
            const MatrixXd b = rng.normalMatrix(c.cout, 1);
            const MatrixXd ref = referenceConvT(X, c.in, W, &b, c.p);
            const Var y = convTranspose2d(Var::constant(X), c.in, Var::constant(W), Var::constant(b), c.p);
            QCOMPARE(y.rows(), ref.rows());
            QCOMPARE(y.rows(), convTranspose2dOutputShape(c.in, c.cout, c.p).size());
            QVERIFY2((y.value() - ref).lpNorm<Eigen::Infinity>() < 1e-12, qPrintable(QString("case %1").arg(t)));
        }
    }

    void transposeIsAdjointOfConv() {
        sd::Rng rng(103);
        for (int t = 0; t < 30; ++t) {
            const Case c = randomCase(rng);
            const ImageShape out = conv2dOutputShape(c.in, c.cout, c.p);
            const Conv2dParams q = withOutputPaddingFor(c.p, out, c.in);
            const MatrixXd W = rng.normalMatrix(c.cout, c.in.channels * c.p.kernelH * c.p.kernelW);
            const MatrixXd x = rng.normalMatrix(c.in.size(), c.batch);
            const MatrixXd y = rng.normalMatrix(out.size(), c.batch);
            const MatrixXd Ax = conv2d(Var::constant(x), c.in, Var::constant(W), Var(), c.p).value();
            const MatrixXd ATy = convTranspose2d(Var::constant(y), out, Var::constant(W), Var(), q).value();
            QCOMPARE(ATy.rows(), x.rows());
            const double lhs = Ax.cwiseProduct(y).sum(), rhs = x.cwiseProduct(ATy).sum();
            QVERIFY2(std::abs(lhs - rhs) <= 1e-10 * (1.0 + std::abs(lhs)),
                     qPrintable(QString("case %1: <Ax,y> = %2, <x,A'y> = %3").arg(t).arg(lhs).arg(rhs)));
        }
    }

    void gradientsAgainstFiniteDifferences() {
        sd::Rng rng(104);
        // Fixed cases covering stride 2 and padding 1, then random ones.
        std::vector<Case> cases = {
            {{2, 5, 5}, 3, Conv2dParams::square(3, 2, 1), 2},
            {{1, 6, 5}, 2, params(3, 2, 2, 1, 1, 0), 2},
            {{2, 4, 4}, 2, Conv2dParams::square(2, 1, 1), 1},
        };
        for (int t = 0; t < 6; ++t) cases.push_back(randomCase(rng));
        for (const Case& c : cases) {
            const Index patch = c.in.channels * c.p.kernelH * c.p.kernelW;
            const ImageShape out = conv2dOutputShape(c.in, c.cout, c.p);
            const ImageShape in = c.in;
            const Conv2dParams p = c.p;
            expectGrad("conv2d", [in, p](auto& v) { return conv2d(v[0], in, v[1], v[2], p); },
                       {rng.normalMatrix(in.size(), c.batch), rng.normalMatrix(c.cout, patch), rng.normalMatrix(c.cout, 1)},
                       true);
            expectGrad("conv2d (no bias)", [in, p](auto& v) { return conv2d(v[0], in, v[1], Var(), p); },
                       {rng.normalMatrix(in.size(), c.batch), rng.normalMatrix(c.cout, patch)}, false);
            // The transposed conv of the adjoint geometry (out → in), and one with its own sizes.
            const Conv2dParams q = withOutputPaddingFor(p, out, in);
            expectGrad("convTranspose2d", [out, q](auto& v) { return convTranspose2d(v[0], out, v[1], v[2], q); },
                       {rng.normalMatrix(out.size(), c.batch), rng.normalMatrix(out.channels, patch),
                        rng.normalMatrix(in.channels, 1)},
                       true);
            expectGrad("conv2dWeightGradient", [in, p](auto& v) { return conv2dWeightGradient(v[0], in, v[1], p); },
                       {rng.normalMatrix(in.size(), c.batch), rng.normalMatrix(out.size(), c.batch)}, true);
        }
        const ImageShape s{3, 2, 3};
        expectGrad("channelSum", [s](auto& v) { return channelSum(v[0], s); }, {rng.normalMatrix(s.size(), 2)}, true);
        expectGrad("channelBroadcast", [s](auto& v) { return channelBroadcast(v[0], s, 2); }, {rng.normalMatrix(3, 1)}, true);
    }

    void gradientsThroughAConvNet() {
        // conv (stride 2, pad 1) → tanh → transposed conv back to the input size → MSE against a target:
        // every parameter gets its gradient through both ops, checked to first and second order.
        sd::Rng rng(105);
        const ImageShape in{2, 6, 6};
        const Conv2dParams p = Conv2dParams::square(3, 2, 1);
        const ImageShape mid = conv2dOutputShape(in, 3, p);
        const Conv2dParams q = withOutputPaddingFor(p, mid, in);
        const MatrixXd target = rng.normalMatrix(in.size(), 2);
        const CheckedFunction net = [&](const std::vector<Var>& v) {
            const Var h = tanh(conv2d(v[0], in, v[1], v[2], p));
            return mseLoss(convTranspose2d(h, mid, v[3], v[4], q), Var::constant(target));
        };
        const std::vector<MatrixXd> inputs = {rng.normalMatrix(in.size(), 2), 0.3 * rng.normalMatrix(3, 18),
                                              0.1 * rng.normalMatrix(3, 1), 0.3 * rng.normalMatrix(3, 18),
                                              0.1 * rng.normalMatrix(2, 1)};
        const GradCheckResult r1 = checkGradient(net, inputs);
        QVERIFY2(r1.ok, r1.message.c_str());
        const GradCheckResult r2 = checkSecondOrder(net, inputs);
        QVERIFY2(r2.ok, r2.message.c_str());
        // The bias gradient of conv2d is the per-channel sum of the output gradient.
        const Var x = Var::constant(inputs[0]), W = Var::parameter(inputs[1]), b = Var::parameter(inputs[2]);
        const Var y = conv2d(x, in, W, b, p);
        const MatrixXd seed = rng.normalMatrix(y.rows(), y.cols());
        backward(y, seed);
        for (Index c = 0; c < 3; ++c)
            QVERIFY(std::abs(b.grad()(c, 0) - seed.middleRows(c * mid.pixels(), mid.pixels()).sum()) < 1e-12);
    }

    void oneByOneConvIsAPerPixelLinearMap() {
        sd::Rng rng(106);
        const ImageShape in{3, 4, 5};
        const MatrixXd X = rng.normalMatrix(in.size(), 2), W = rng.normalMatrix(4, 3);
        const MatrixXd Y = conv2d(Var::constant(X), in, Var::constant(W), Var(), Conv2dParams::square(1)).value();
        for (Index b = 0; b < 2; ++b)
            for (Index k = 0; k < in.pixels(); ++k) {
                Eigen::VectorXd pix(3);
                for (Index c = 0; c < 3; ++c) pix(c) = X(c * in.pixels() + k, b);
                const Eigen::VectorXd out = W * pix;
                for (Index o = 0; o < 4; ++o) QVERIFY(std::abs(Y(o * in.pixels() + k, b) - out(o)) < 1e-13);
            }
    }

    void badShapesThrow() {
        const ImageShape in{2, 5, 5};
        const Var x = Var::constant(MatrixXd::Zero(50, 1));
        const Var W = Var::constant(MatrixXd::Zero(3, 18));
        const Conv2dParams p = Conv2dParams::square(3);
        expectError([&] { conv2d(Var::constant(MatrixXd::Zero(49, 1)), in, W, Var(), p); }, "49 rows");
        expectError([&] { conv2d(x, in, Var::constant(MatrixXd::Zero(3, 17)), Var(), p); }, "weight is 3x17");
        expectError([&] { conv2d(x, in, W, Var::constant(MatrixXd::Zero(2, 1)), p); }, "bias is 2x1");
        expectError([&] { conv2d(x, in, W, Var(), Conv2dParams::square(7)); }, "kernel larger");
        expectError([&] { conv2d(x, in, W, Var(), Conv2dParams::square(3, 0)); }, "stride");
        expectError([&] { conv2d(x, in, W, Var(), Conv2dParams::square(3, 2, 0, 1)); }, "output padding");
        expectError([&] { convTranspose2d(x, in, Var::constant(MatrixXd::Zero(2, 27)), Var(), Conv2dParams::square(3, 2, 0, 2)); },
                    "[0, stride)");
        expectError([&] { convTranspose2d(x, in, Var::constant(MatrixXd::Zero(2, 10)), Var(), p); }, "Cin x (Cout*kh*kw)");
        expectError([&] { convTranspose2d(x, in, Var::constant(MatrixXd::Zero(3, 27)), Var(), p); }, "weight is 3x27");
        expectError([&] { withOutputPaddingFor(Conv2dParams::square(3, 2), {1, 2, 2}, {1, 9, 9}); }, "no output padding");
    }
};

QTEST_APPLESS_MAIN(TestAutodiffConv)
#include "test_autodiff_conv.moc"
