// The AVX-512 gemm kernel. Compiled with -mavx512f -mavx512dq -mavx512vl -mavx512bw -mavx2 -mfma
// (core/autodiff/CMakeLists.txt) and called only when the CPU reports all of them (gemm.cpp). Eigen's namespace
// is renamed so that none of the AVX-512 instantiations can replace a baseline one at link time.
#define Eigen sd_eigen_avx512
#include <Eigen/Core>

#include "core/autodiff/gemm_kernel.h"

#define SD_GEMM_KERNEL_FUNCTION gemmAvx512
#include "core/autodiff/gemm_kernel_body.inc"
