#pragma once
// sd::ad::gemm — the dense matrix product behind every matmul, linear layer, convolution and plain-Eigen
// evaluator of the project: C ← β·C + α·op(A)·op(B) in double precision, column-major, op(X) = X or Xᵀ.
//
// Why a function and not Eigen's operator*: the project is compiled for baseline x86-64 (SSE2) so that
// one binary runs everywhere, which leaves 2–4× of a modern core's floating-point throughput unused in
// exactly the products that dominate training. gemm() chooses once per process, from the CPU, between
// Eigen's product compiled for AVX-512 (F/DQ/VL/BW), for AVX2 + FMA, or the portable build
// (gemm_kernel.h). The kernels compute the same mathematics and differ only in rounding (fused
// multiply-add, block order); a process uses one kernel for all products, so results are reproducible
// from run to run on one machine, and agree across kernels to ~1e-15 relative per product.
//
// Large products run on the compute threads (core/common/thread_pool.h, docs/methods/core.md §1.6), split into
// blocks of result columns or rows chosen from the shape alone, so the result is the same for any thread count.
#include <Eigen/Core>

namespace sd::ad {

enum class GemmKernel { Portable, Avx2, Avx512 };

/// A column-major block (any outer stride, unit inner stride) — a matrix, middleCols(), block(), …
using ConstMatrixRef = Eigen::Ref<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
using MatrixRef = Eigen::Ref<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;

/// C ← beta·C + alpha·op(A)·op(B). C must already have the shape of op(A)·op(B) and must not alias A or B;
/// with beta = 0 its previous contents are never read (NaN in C does not propagate). Throws sd::Error on
/// mismatched shapes.
void gemm(double alpha, const ConstMatrixRef& A, bool transposeA, const ConstMatrixRef& B, bool transposeB,
          double beta, MatrixRef C);

/// op(A)·op(B) as a new matrix.
Eigen::MatrixXd product(const ConstMatrixRef& A, bool transposeA, const ConstMatrixRef& B, bool transposeB);
inline Eigen::MatrixXd product(const ConstMatrixRef& A, const ConstMatrixRef& B) { return product(A, false, B, false); }

/// The kernel gemm() uses now: the best the CPU supports, unless the environment variable SD_GEMM_KERNEL
/// (portable|avx2|avx512) names another available one at start-up, or setGemmKernel() chose one.
GemmKernel gemmKernel();
/// Whether this build and CPU can run `kernel` (Portable always can).
bool gemmKernelAvailable(GemmKernel kernel);
/// Selects the kernel for the whole process (tests and benchmarks compare kernels; call it before any
/// worker threads start). Throws sd::Error if the kernel is not available.
void setGemmKernel(GemmKernel kernel);
/// The fastest available kernel (what a process starts with).
GemmKernel bestGemmKernel();
/// "portable", "avx2", "avx512".
const char* gemmKernelName(GemmKernel kernel);

}  // namespace sd::ad
