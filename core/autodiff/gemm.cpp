#include "core/autodiff/gemm.h"

#include "core/autodiff/gemm_kernel.h"
#include "core/autodiff/var.h"
#include "core/common/error.h"
#include "core/common/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#define SD_GEMM_KERNEL_FUNCTION gemmPortable
#include "core/autodiff/gemm_kernel_body.inc"

namespace sd::ad {

namespace {

bool cpuSupports(GemmKernel k) {
#if defined(SD_GEMM_X86_KERNELS)
    __builtin_cpu_init();
    switch (k) {
        case GemmKernel::Portable: return true;
        case GemmKernel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        case GemmKernel::Avx512:
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return false;
#else
    return k == GemmKernel::Portable;
#endif
}

GemmKernel detectBest() {
    if (cpuSupports(GemmKernel::Avx512)) return GemmKernel::Avx512;
    if (cpuSupports(GemmKernel::Avx2)) return GemmKernel::Avx2;
    return GemmKernel::Portable;
}

/// The best kernel, unless the environment variable SD_GEMM_KERNEL names an available one ("portable", "avx2",
/// "avx512") — to reproduce another machine's rounding, or to compare.
GemmKernel initialKernel() {
    if (const char* env = std::getenv("SD_GEMM_KERNEL")) {
        const std::string name(env);
        for (GemmKernel k : {GemmKernel::Portable, GemmKernel::Avx2, GemmKernel::Avx512})
            if (name == gemmKernelName(k) && cpuSupports(k)) return k;
    }
    return detectBest();
}

std::atomic<GemmKernel>& activeKernel() {
    static std::atomic<GemmKernel> k{initialKernel()};
    return k;
}

void run(const detail::GemmArgs& g) {
    switch (activeKernel().load(std::memory_order_relaxed)) {
#if defined(SD_GEMM_X86_KERNELS)
        case GemmKernel::Avx512: detail::gemmAvx512(g); return;
        case GemmKernel::Avx2: detail::gemmAvx2(g); return;
#endif
        default: detail::gemmPortable(g); return;
    }
}

// Data-parallel products (docs/methods/core.md §1.6): a product with enough work is split into blocks of result
// columns (or rows, when the result is taller than wide) that sd::parallelFor runs on the compute threads. The
// blocks depend only on the shape (m, n, k) — never on the thread count — so every thread count, including one,
// computes exactly the same block products and the results are bit-identical.
constexpr double kMinBlockWork = 262144.0;  // multiply-adds per block (~50 µs): below this a split does not pay
constexpr long kMaxBlocks = 4;
constexpr long kBlockAlign = 8;             // block edges on multiples of 8 columns/rows (whole register tiles)

void runBlocked(const detail::GemmArgs& g) {
    const bool splitColumns = g.n >= g.m;
    const long extent = splitColumns ? g.n : g.m;
    const double work = double(g.m) * double(g.n) * double(g.k);
    const long blocks = std::min({kMaxBlocks, long(work / kMinBlockWork), extent / (2 * kBlockAlign)});
    if (blocks < 2) {
        run(g);
        return;
    }
    // Block b covers [edge(b), edge(b + 1)): equal shares rounded to the alignment; the last takes the rest.
    auto edge = [&](long b) { return b >= blocks ? extent : (extent * b / blocks) / kBlockAlign * kBlockAlign; };
    parallelFor(static_cast<int>(blocks), [&](int b) {
        const long lo = edge(b), hi = edge(b + 1);
        detail::GemmArgs part = g;
        if (splitColumns) {
            part.n = hi - lo;
            part.B = g.transposeB ? g.B + lo : g.B + lo * g.ldb;
            part.C = g.C + lo * g.ldc;
        } else {
            part.m = hi - lo;
            part.A = g.transposeA ? g.A + lo * g.lda : g.A + lo;
            part.C = g.C + lo;
        }
        run(part);
    });
}

}  // namespace

void gemm(double alpha, const ConstMatrixRef& A, bool transposeA, const ConstMatrixRef& B, bool transposeB,
          double beta, MatrixRef C) {
    const Index m = transposeA ? A.cols() : A.rows(), k = transposeA ? A.rows() : A.cols();
    const Index kb = transposeB ? B.cols() : B.rows(), n = transposeB ? B.rows() : B.cols();
    if (k != kb || C.rows() != m || C.cols() != n)
        throw Error("ad::gemm", "shapes do not match: op(A) " + shapeString(m, k) + ", op(B) " + shapeString(kb, n) +
                                    ", C " + shapeString(C.rows(), C.cols()));
    if (m == 0 || n == 0) return;
    if (k == 0) {  // empty inner dimension: the product is zero
        if (beta == 0.0) C.setZero();
        else if (beta != 1.0) C *= beta;
        return;
    }
    detail::GemmArgs g;
    g.m = m;
    g.n = n;
    g.k = k;
    g.alpha = alpha;
    g.beta = beta;
    g.A = A.data();
    g.lda = A.outerStride();
    g.transposeA = transposeA;
    g.B = B.data();
    g.ldb = B.outerStride();
    g.transposeB = transposeB;
    g.C = C.data();
    g.ldc = C.outerStride();
    runBlocked(g);
}

Eigen::MatrixXd product(const ConstMatrixRef& A, bool transposeA, const ConstMatrixRef& B, bool transposeB) {
    Eigen::MatrixXd C(transposeA ? A.cols() : A.rows(), transposeB ? B.rows() : B.cols());
    gemm(1.0, A, transposeA, B, transposeB, 0.0, C);
    return C;
}

GemmKernel gemmKernel() { return activeKernel().load(); }
bool gemmKernelAvailable(GemmKernel kernel) { return cpuSupports(kernel); }
GemmKernel bestGemmKernel() { return detectBest(); }

void setGemmKernel(GemmKernel kernel) {
    if (!cpuSupports(kernel))
        throw Error("ad::setGemmKernel", std::string("the ") + gemmKernelName(kernel) + " kernel is not available on this CPU or build");
    activeKernel().store(kernel);
}

const char* gemmKernelName(GemmKernel kernel) {
    switch (kernel) {
        case GemmKernel::Portable: return "portable";
        case GemmKernel::Avx2: return "avx2";
        case GemmKernel::Avx512: return "avx512";
    }
    return "?";
}

}  // namespace sd::ad
