// The AVX2 + FMA gemm kernel. Compiled with -mavx2 -mfma (core/autodiff/CMakeLists.txt) and called only when
// the CPU reports both (gemm.cpp). Eigen's namespace is renamed so that none of the AVX2 instantiations can
// replace a baseline one at link time.
#define Eigen sd_eigen_avx2
#include <Eigen/Core>

#include "core/autodiff/gemm_kernel.h"

#define SD_GEMM_KERNEL_FUNCTION gemmAvx2
#include "core/autodiff/gemm_kernel_body.inc"
