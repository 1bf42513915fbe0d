#include "core/lyapunov/projection.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::lyap {

ad::Var projectOntoDecreaseSet(const ad::Var& fhat, const ad::Var& V, const ad::Var& gradV, double alpha,
                               double denominatorEps) {
    if (fhat.rows() != gradV.rows() || fhat.cols() != gradV.cols() || V.rows() != 1 || V.cols() != fhat.cols())
        throw Error("lyapunov-net projection", "shapes f̂ " + ad::shapeString(fhat.value()) + ", V " + ad::shapeString(V.value()) +
                                                   ", ∇V " + ad::shapeString(gradV.value()) + " do not match");
    const ad::Var violation = ad::relu(ad::add(ad::colwiseDot(gradV, fhat), ad::scale(V, alpha)));
    ad::Var denominator = ad::colwiseSquaredNorm(gradV);
    if (denominatorEps > 0.0) denominator = ad::affine(denominator, 1.0, denominatorEps);
    // Zero-denominator rule: add 1 where the denominator is exactly 0. There ∇V = 0, so the correction
    // ∇V·(violation/1) is exactly 0 and f = f̂; elsewhere the mask adds exactly 0.
    const Eigen::MatrixXd zeroMask = (denominator.value().array() == 0.0).cast<double>().matrix();
    if (zeroMask.any()) denominator = ad::add(denominator, ad::Var::constant(zeroMask));
    return ad::sub(fhat, ad::mul(gradV, ad::div(violation, denominator)));
}

}  // namespace sd::lyap
