// Elementwise ops: broadcasting binary ops, scalar affine, unary functions with derivatives.
#include "core/autodiff/broadcast.h"
#include "core/autodiff/ops.h"
#include "core/autodiff/piecewise_kernels.h"
#include "core/common/error.h"

#include <cmath>

namespace sd::ad {

namespace {

using detail::addReduced;
using detail::broadcastShape;
using detail::expanded;

// ---- binary ---------------------------------------------------------------------------------------

enum class BinaryKind { Add, Sub, Mul, Div };

const char* binaryName(BinaryKind k) {
    switch (k) {
        case BinaryKind::Add: return "add";
        case BinaryKind::Sub: return "sub";
        case BinaryKind::Mul: return "mul";
        case BinaryKind::Div: return "div";
    }
    return "?";
}

MatrixXd binaryValue(BinaryKind k, const MatrixXd& a, const MatrixXd& b) {
    Index r = 0, c = 0;
    broadcastShape(binaryName(k), a, b, r, c);
    // Common broadcasting cases without materialising the expanded operand.
    if (b.rows() == r && b.cols() == c && a.rows() == r && a.cols() == c) {
        switch (k) {
            case BinaryKind::Add: return a + b;
            case BinaryKind::Sub: return a - b;
            case BinaryKind::Mul: return a.cwiseProduct(b);
            case BinaryKind::Div: return a.cwiseQuotient(b);
        }
    }
    if ((k == BinaryKind::Add || k == BinaryKind::Sub) && a.rows() == r && a.cols() == c) {
        const double s = k == BinaryKind::Add ? 1.0 : -1.0;
        MatrixXd y = a;
        if (b.size() == 1) y.array() += s * b(0, 0);
        else if (b.cols() == 1) y.colwise() += s * b.col(0);
        else y.rowwise() += s * b.row(0);
        return y;
    }
    MatrixXd sa, sb;
    const MatrixXd& A = expanded(a, r, c, sa);
    const MatrixXd& B = expanded(b, r, c, sb);
    switch (k) {
        case BinaryKind::Add: return A + B;
        case BinaryKind::Sub: return A - B;
        case BinaryKind::Mul: return A.cwiseProduct(B);
        case BinaryKind::Div: return A.cwiseQuotient(B);
    }
    return {};
}

class BinaryNode final : public Node {
public:
    BinaryNode(BinaryKind k, const Var& a, const Var& b) : Node({a, b}, binaryValue(k, a.value(), b.value())), kind_(k) {}
    const char* name() const override { return binaryName(kind_); }

    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& a = inputs_[0].value();
        const MatrixXd& b = inputs_[1].value();
        const Index r = value_.rows(), c = value_.cols();
        MatrixXd sa, sb;
        switch (kind_) {
            case BinaryKind::Add:
                if (gi[0]) addReduced(g, *gi[0]);
                if (gi[1]) addReduced(g, *gi[1]);
                break;
            case BinaryKind::Sub:
                if (gi[0]) addReduced(g, *gi[0]);
                if (gi[1]) addReduced(g, *gi[1], -1.0);
                break;
            case BinaryKind::Mul:
                if (gi[0]) addReduced(g.cwiseProduct(expanded(b, r, c, sb)), *gi[0]);
                if (gi[1]) addReduced(g.cwiseProduct(expanded(a, r, c, sa)), *gi[1]);
                break;
            case BinaryKind::Div: {
                const MatrixXd gOverB = g.cwiseQuotient(expanded(b, r, c, sb));
                if (gi[0]) addReduced(gOverB, *gi[0]);
                if (gi[1]) addReduced(gOverB.cwiseProduct(value_), *gi[1], -1.0);
                break;
            }
        }
    }

    std::vector<Var> backwardGraph(const Var& self, const Var& g) const override {
        const Var& a = inputs_[0];
        const Var& b = inputs_[1];
        std::vector<Var> r(2);
        const auto reduceA = [&](const Var& v) { return sumToShape(v, a.rows(), a.cols()); };
        const auto reduceB = [&](const Var& v) { return sumToShape(v, b.rows(), b.cols()); };
        switch (kind_) {
            case BinaryKind::Add:
                if (a.requiresGrad()) r[0] = reduceA(g);
                if (b.requiresGrad()) r[1] = reduceB(g);
                break;
            case BinaryKind::Sub:
                if (a.requiresGrad()) r[0] = reduceA(g);
                if (b.requiresGrad()) r[1] = -reduceB(g);
                break;
            case BinaryKind::Mul:
                if (a.requiresGrad()) r[0] = reduceA(mul(g, b));
                if (b.requiresGrad()) r[1] = reduceB(mul(g, a));
                break;
            case BinaryKind::Div: {
                const Var gOverB = div(g, b);
                if (a.requiresGrad()) r[0] = reduceA(gOverB);
                if (b.requiresGrad()) r[1] = -reduceB(mul(gOverB, self));
                break;
            }
        }
        return r;
    }

private:
    BinaryKind kind_;
};

// ---- scalar affine --------------------------------------------------------------------------------

class AffineNode final : public Node {
public:
    AffineNode(const Var& a, double alpha, double beta)
        : Node({a}, (alpha * a.value().array() + beta).matrix()), alpha_(alpha) {}
    const char* name() const override { return "affine"; }
    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override { *gi[0] += alpha_ * g; }
    std::vector<Var> backwardGraph(const Var&, const Var& g) const override { return {scale(g, alpha_)}; }

private:
    double alpha_;
};

// ---- unary ----------------------------------------------------------------------------------------

enum class Fn {
    Exp, Log, Tanh, Sigmoid, Softplus, Relu, LeakyRelu, Rehu, RehuPrime, RehuSecond, Step, LeakyStep, Sign,
    Square, Sqrt, Abs, Reciprocal, Pow
};

const char* fnName(Fn f) {
    switch (f) {
        case Fn::Exp: return "exp";
        case Fn::Log: return "log";
        case Fn::Tanh: return "tanh";
        case Fn::Sigmoid: return "sigmoid";
        case Fn::Softplus: return "softplus";
        case Fn::Relu: return "relu";
        case Fn::LeakyRelu: return "leakyRelu";
        case Fn::Rehu: return "rehu";
        case Fn::RehuPrime: return "rehuPrime";
        case Fn::RehuSecond: return "rehuSecond";
        case Fn::Step: return "step";
        case Fn::LeakyStep: return "leakyStep";
        case Fn::Sign: return "sign";
        case Fn::Square: return "square";
        case Fn::Sqrt: return "sqrt";
        case Fn::Abs: return "abs";
        case Fn::Reciprocal: return "reciprocal";
        case Fn::Pow: return "pow";
    }
    return "?";
}

bool hasZeroDerivative(Fn f) {
    return f == Fn::RehuSecond || f == Fn::Step || f == Fn::LeakyStep || f == Fn::Sign;
}

inline double sigmoidScalar(double x) {
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}
inline double softplusScalar(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

/// y (sized like x) = kernel(x) for the branch-free piecewise kernels.
template <class Kernel>
MatrixXd piecewise(const MatrixXd& x, Kernel kernel) {
    MatrixXd y(x.rows(), x.cols());
    kernel(x.data(), y.data(), x.size());
    return y;
}

MatrixXd unaryValue(Fn f, double p, const MatrixXd& x) {
    const auto a = x.array();
    using namespace detail;
    switch (f) {
        case Fn::Exp: return a.exp().matrix();
        case Fn::Log: return a.log().matrix();
        case Fn::Tanh: return a.tanh().matrix();
        case Fn::Sigmoid: return x.unaryExpr([](double v) { return sigmoidScalar(v); });
        case Fn::Softplus: return x.unaryExpr([](double v) { return softplusScalar(v); });
        case Fn::Relu: return a.max(0.0).matrix();
        case Fn::LeakyRelu: return piecewise(x, [p](const double* in, double* out, Index n) { leakyReluValue(in, out, n, p); });
        case Fn::Rehu: return piecewise(x, [p](const double* in, double* out, Index n) { rehuValue(in, out, n, p); });
        case Fn::RehuPrime: return piecewise(x, [p](const double* in, double* out, Index n) { rehuPrimeValue(in, out, n, p); });
        case Fn::RehuSecond: return piecewise(x, [p](const double* in, double* out, Index n) { rehuSecondValue(in, out, n, p); });
        case Fn::Step: return piecewise(x, [](const double* in, double* out, Index n) { stepValue(in, out, n); });
        case Fn::LeakyStep: return piecewise(x, [p](const double* in, double* out, Index n) { leakyStepValue(in, out, n, p); });
        case Fn::Sign: return a.sign().matrix();
        case Fn::Square: return a.square().matrix();
        case Fn::Sqrt: return a.sqrt().matrix();
        case Fn::Abs: return a.abs().matrix();
        case Fn::Reciprocal: return a.inverse().matrix();
        case Fn::Pow: return a.pow(p).matrix();
    }
    return {};
}

class UnaryNode final : public Node {
public:
    UnaryNode(Fn f, double p, const Var& x) : Node({x}, unaryValue(f, p, x.value())), fn_(f), p_(p) {
        if (hasZeroDerivative(f)) requiresGrad_ = false;
    }
    const char* name() const override { return fnName(fn_); }

    void backward(const MatrixXd& g, std::span<MatrixXd* const> gi) const override {
        MatrixXd& out = *gi[0];
        const MatrixXd& xm = inputs_[0].value();
        const auto x = xm.array();
        const auto y = value_.array();
        const auto G = g.array();
        const double p = p_;
        switch (fn_) {
            case Fn::Exp: out.array() += G * y; break;
            case Fn::Log: out.array() += G / x; break;
            case Fn::Tanh: out.array() += G * (1.0 - y.square()); break;
            case Fn::Sigmoid: out.array() += G * y * (1.0 - y); break;
            case Fn::Softplus: out.array() += G * x.unaryExpr([](double v) { return sigmoidScalar(v); }); break;
            case Fn::Relu: detail::reluGradAdd(xm.data(), g.data(), out.data(), g.size()); break;
            case Fn::LeakyRelu: detail::leakyReluGradAdd(xm.data(), g.data(), out.data(), g.size(), p); break;
            case Fn::Rehu: detail::rehuGradAdd(xm.data(), g.data(), out.data(), g.size(), p); break;
            case Fn::RehuPrime: detail::rehuPrimeGradAdd(xm.data(), g.data(), out.data(), g.size(), p); break;
            case Fn::Square: out.array() += 2.0 * G * x; break;
            case Fn::Sqrt: out.array() += 0.5 * G / y; break;
            case Fn::Abs: out.array() += G * x.sign(); break;
            case Fn::Reciprocal: out.array() -= G * y.square(); break;
            case Fn::Pow: out.array() += p * G * x.pow(p - 1.0); break;
            case Fn::RehuSecond: case Fn::Step: case Fn::LeakyStep: case Fn::Sign: break;
        }
    }

    std::vector<Var> backwardGraph(const Var& self, const Var& g) const override {
        const Var& x = inputs_[0];
        switch (fn_) {
            case Fn::Exp: return {mul(g, self)};
            case Fn::Log: return {div(g, x)};
            case Fn::Tanh: return {mul(g, 1.0 - square(self))};
            case Fn::Sigmoid: return {mul(g, mul(self, 1.0 - self))};
            case Fn::Softplus: return {mul(g, sigmoid(x))};
            case Fn::Relu: return {mul(g, step(x))};
            case Fn::LeakyRelu: return {mul(g, leakyStep(x, p_))};
            case Fn::Rehu: return {mul(g, rehuPrime(x, p_))};
            case Fn::RehuPrime: return {mul(g, rehuSecond(x, p_))};
            case Fn::Square: return {mul(g, scale(x, 2.0))};
            case Fn::Sqrt: return {div(scale(g, 0.5), self)};
            case Fn::Abs: return {mul(g, sign(x))};
            case Fn::Reciprocal: return {-mul(g, square(self))};
            case Fn::Pow: return {mul(g, scale(pow(x, p_ - 1.0), p_))};
            case Fn::RehuSecond: case Fn::Step: case Fn::LeakyStep: case Fn::Sign: return {Var()};
        }
        return {Var()};
    }

private:
    Fn fn_;
    double p_;
};

Var unary(Fn f, const Var& x, double p = 0.0) { return makeVar<UnaryNode>(f, p, x); }

void requirePositive(const char* op, double d) {
    if (!(d > 0)) throw Error(std::string("ad::") + op, "parameter d must be > 0, got " + std::to_string(d));
}

}  // namespace

Var add(const Var& a, const Var& b) { return makeVar<BinaryNode>(BinaryKind::Add, a, b); }
Var sub(const Var& a, const Var& b) { return makeVar<BinaryNode>(BinaryKind::Sub, a, b); }
Var mul(const Var& a, const Var& b) { return makeVar<BinaryNode>(BinaryKind::Mul, a, b); }
Var div(const Var& a, const Var& b) { return makeVar<BinaryNode>(BinaryKind::Div, a, b); }

Var affine(const Var& a, double alpha, double beta) { return makeVar<AffineNode>(a, alpha, beta); }
Var operator/(double s, const Var& a) { return scale(reciprocal(a), s); }

Var exp(const Var& a) { return unary(Fn::Exp, a); }
Var log(const Var& a) { return unary(Fn::Log, a); }
Var tanh(const Var& a) { return unary(Fn::Tanh, a); }
Var sigmoid(const Var& a) { return unary(Fn::Sigmoid, a); }
Var softplus(const Var& a) { return unary(Fn::Softplus, a); }
Var relu(const Var& a) { return unary(Fn::Relu, a); }
Var leakyRelu(const Var& a, double slope) { return unary(Fn::LeakyRelu, a, slope); }
Var rehu(const Var& a, double d) { requirePositive("rehu", d); return unary(Fn::Rehu, a, d); }
Var rehuPrime(const Var& a, double d) { requirePositive("rehuPrime", d); return unary(Fn::RehuPrime, a, d); }
Var rehuSecond(const Var& a, double d) { requirePositive("rehuSecond", d); return unary(Fn::RehuSecond, a, d); }
Var step(const Var& a) { return unary(Fn::Step, a); }
Var leakyStep(const Var& a, double slope) { return unary(Fn::LeakyStep, a, slope); }
Var sign(const Var& a) { return unary(Fn::Sign, a); }
Var square(const Var& a) { return unary(Fn::Square, a); }
Var sqrt(const Var& a) { return unary(Fn::Sqrt, a); }
Var abs(const Var& a) { return unary(Fn::Abs, a); }
Var reciprocal(const Var& a) { return unary(Fn::Reciprocal, a); }
Var pow(const Var& a, double p) { return unary(Fn::Pow, a, p); }

}  // namespace sd::ad
