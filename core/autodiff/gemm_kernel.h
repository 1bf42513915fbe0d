#pragma once
// The raw interface of the gemm kernels (gemm.h). Deliberately free of Eigen types: the AVX2 and AVX-512
// kernels are compiled in their own translation units with their own instruction set and a renamed Eigen
// namespace (gemm_kernel_body.inc), so no Eigen symbol compiled for AVX can be picked by the linker for
// code that must run on a baseline CPU.
namespace sd::ad::detail {

/// C ← beta·C + alpha·op(A)·op(B); column-major with leading dimensions lda/ldb/ldc; m×n result, inner k.
/// m, n, k > 0 (the dispatcher handles empty products).
struct GemmArgs {
    long m = 0, n = 0, k = 0;
    double alpha = 1.0, beta = 0.0;
    const double* A = nullptr;
    long lda = 0;
    bool transposeA = false;
    const double* B = nullptr;
    long ldb = 0;
    bool transposeB = false;
    double* C = nullptr;
    long ldc = 0;
};

void gemmPortable(const GemmArgs& args);
#if defined(SD_GEMM_X86_KERNELS)
void gemmAvx2(const GemmArgs& args);
void gemmAvx512(const GemmArgs& args);
#endif

}  // namespace sd::ad::detail
