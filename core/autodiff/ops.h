#pragma once
// sd::ad ops — every differentiable operation on Vars.
//
// Conventions
//  * Values are double matrices; a batch of vectors is the columns (x is n×B).
//  * Broadcasting (add, sub, mul, div): for each dimension the two sizes are equal or one of them is 1;
//    the result takes the larger size. So matrix ± column vector (n×1, broadcast over columns),
//    matrix ± row vector (1×B, broadcast over rows) and matrix ± 1×1 all work, in either order.
//    Gradients of a broadcast operand are summed back to its shape.
//  * Shape mismatches throw sd::Error("ad::<op>", "... <shape a> ... <shape b>").
//  * operator* between two Vars is the MATRIX product (Eigen convention); mul() is elementwise.
//  * Every op has a fast pure-Eigen adjoint and a differentiable one (second order through grad()
//    with createGraph = true). Ops whose derivative is zero almost everywhere (step, sign,
//    rehuSecond, leakyStep) return Vars that do not require gradients.
#include "core/autodiff/var.h"

#include <vector>

namespace sd::ad {

// ---- linear algebra -------------------------------------------------------------------------------

/// A·B (a: m×k, b: k×n).
Var matmul(const Var& a, const Var& b);
inline Var operator*(const Var& a, const Var& b) { return matmul(a, b); }
/// alpha·op(A)·op(B) with op(X) = Xᵀ where flagged — one node, the transposes are never materialised
/// (same values as matmul(transpose(a), …) scaled, up to rounding).
Var matmul(const Var& a, bool transposeA, const Var& b, bool transposeB, double alpha = 1.0);
/// Fused affine layer W·x + b with b (rows(W)×1) added to every column; b may be undefined (no bias).
Var linear(const Var& W, const Var& x, const Var& b);
/// Aᵀ.
Var transpose(const Var& a);
/// Y = M⁻¹B for square nonsingular M (LU with partial pivoting). Throws sd::Error if M is singular
/// to working precision. Adjoints: B̄ = M⁻ᵀȲ, M̄ = −B̄Yᵀ.
Var solve(const Var& M, const Var& B);
/// M⁻¹. Adjoint: M̄ = −YᵀȲYᵀ.
Var inverse(const Var& M);
/// Y = T⁻¹B with T lower (lower = true) or upper triangular; only that triangle of T is read and
/// receives gradient.
Var triangularSolve(const Var& T, const Var& B, bool lower);

// ---- broadcasting elementwise binary ops ------------------------------------------------------------

Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
/// Elementwise (Hadamard) product.
Var mul(const Var& a, const Var& b);
/// Elementwise quotient.
Var div(const Var& a, const Var& b);

inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }

// ---- scalar ops ---------------------------------------------------------------------------------------

/// alpha·a + beta, elementwise.
Var affine(const Var& a, double alpha, double beta);
inline Var scale(const Var& a, double alpha) { return affine(a, alpha, 0.0); }
inline Var operator-(const Var& a) { return affine(a, -1.0, 0.0); }
inline Var operator*(double s, const Var& a) { return affine(a, s, 0.0); }
inline Var operator*(const Var& a, double s) { return affine(a, s, 0.0); }
inline Var operator/(const Var& a, double s) { return affine(a, 1.0 / s, 0.0); }
inline Var operator+(const Var& a, double s) { return affine(a, 1.0, s); }
inline Var operator+(double s, const Var& a) { return affine(a, 1.0, s); }
inline Var operator-(const Var& a, double s) { return affine(a, 1.0, -s); }
inline Var operator-(double s, const Var& a) { return affine(a, -1.0, s); }
/// s / a, elementwise.
Var operator/(double s, const Var& a);

// ---- elementwise unary functions ------------------------------------------------------------------------

Var exp(const Var& a);
Var log(const Var& a);
Var tanh(const Var& a);
/// 1/(1+e^{-a}), evaluated without overflow.
Var sigmoid(const Var& a);
/// log(1+e^a), evaluated without overflow; derivative sigmoid.
Var softplus(const Var& a);
Var relu(const Var& a);
/// a for a > 0, slope·a otherwise.
Var leakyRelu(const Var& a, double slope);
/// Rectified Huber unit σ_d (docs/methods/core.md §2.1): 0 (a≤0), a²/(2d) (0<a<d), a−d/2 (a≥d). d > 0.
Var rehu(const Var& a, double d);
/// σ_d': 0 / a/d / 1. Its derivative is rehuSecond.
Var rehuPrime(const Var& a, double d);
/// σ_d'': 0 / 1/d / 0 (zero derivative; no gradient flows).
Var rehuSecond(const Var& a, double d);
/// Heaviside [a > 0] (ReLU'); no gradient flows.
Var step(const Var& a);
/// 1 for a > 0, slope otherwise (leaky ReLU'); no gradient flows.
Var leakyStep(const Var& a, double slope);
/// sign(a) ∈ {−1, 0, 1} (abs'); no gradient flows.
Var sign(const Var& a);
Var square(const Var& a);
/// √a; derivative 1/(2√a) (infinite at 0).
Var sqrt(const Var& a);
/// |a|; derivative sign(a).
Var abs(const Var& a);
/// 1/a.
Var reciprocal(const Var& a);
/// a^p for a real exponent p (a > 0 unless p is an integer).
Var pow(const Var& a, double p);

// ---- reductions and broadcasting ---------------------------------------------------------------------------

/// Sums a down to rows×cols, where rows ∈ {1, a.rows()} and cols ∈ {1, a.cols()}.
Var sumToShape(const Var& a, Index rows, Index cols);
/// Repeats a up to rows×cols (a's sizes must be 1 or equal to the target). Adjoint of sumToShape.
Var broadcastTo(const Var& a, Index rows, Index cols);
/// Sum of all entries (1×1).
Var sum(const Var& a);
/// Mean of all entries (1×1).
Var mean(const Var& a);
/// Per-column sums / means: 1×cols (Eigen's colwise()).
Var colwiseSum(const Var& a);
Var colwiseMean(const Var& a);
/// Per-row sums / means: rows×1 (Eigen's rowwise()).
Var rowwiseSum(const Var& a);
Var rowwiseMean(const Var& a);

// ---- norms -----------------------------------------------------------------------------------------------------

/// Σ a_ij² (1×1).
Var squaredNorm(const Var& a);
/// √(Σ a_ij²) (1×1); gradient undefined at 0.
Var frobeniusNorm(const Var& a);
/// ‖a_{:,j}‖² per column (1×cols).
Var colwiseSquaredNorm(const Var& a);
/// a_{:,j}·b_{:,j} per column (1×cols); a and b have equal shapes (or broadcast).
Var colwiseDot(const Var& a, const Var& b);

// ---- slicing, concatenation, structure ---------------------------------------------------------------------

/// a(i:i+p, j:j+q).
Var block(const Var& a, Index i, Index j, Index p, Index q);
/// Rows i..i+p-1 / columns j..j+q-1.
Var rowsOf(const Var& a, Index i, Index p);
Var colsOf(const Var& a, Index j, Index q);
/// A rows×cols zero matrix with a placed at (i, j). Adjoint of block.
Var padBlock(const Var& a, Index i, Index j, Index rows, Index cols);
/// [a b …] (equal row counts) / [a; b; …] (equal column counts).
Var hcat(const std::vector<Var>& parts);
Var vcat(const std::vector<Var>& parts);
/// Main diagonal of a (min(m,n)×1).
Var diagonal(const Var& a);
/// rows×cols zero matrix with the column vector v (min(rows,cols)×1) on its main diagonal.
Var diagMatrix(const Var& v, Index rows, Index cols);
/// Square diag(v) for a column vector v.
Var asDiagonal(const Var& v);
/// Keeps entries with j − i ≤ k (tril) / j − i ≥ k (triu); others become 0. k = 0 keeps the diagonal,
/// k = −1 gives the strictly lower part.
Var tril(const Var& a, Index k = 0);
Var triu(const Var& a, Index k = 0);

// ---- convenience --------------------------------------------------------------------------------------------------

/// Mean squared error mean((a − b)²) over all entries (1×1).
Var mseLoss(const Var& a, const Var& b);

}  // namespace sd::ad
