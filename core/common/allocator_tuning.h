#pragma once
// sd::tuneAllocatorForTensors — keep large matrix buffers in the heap instead of fresh mmap'd pages.
//
// The autodiff engine allocates a value and an adjoint buffer per graph node, and a training step frees
// them all again. glibc serves blocks of 128 KiB or more with mmap/munmap by default, so every step of
// a batch-2000 model faults in (and zero-fills) megabytes of new pages: measured 30–60 % of the step
// time (bench/RESULTS.md). Raising the mmap and trim thresholds lets freed buffers be reused.
//
// Call once at the start of main() of an executable (CLI, studio, benchmarks), before any threads start.
// Process-wide; a no-op on C libraries other than glibc. Cost: up to `trimThresholdBytes` of freed memory
// may stay mapped to the process. Returns false (and changes nothing) for a value above INT_MAX, and false
// if the C library rejected a setting.
#include <cstddef>

namespace sd {

bool tuneAllocatorForTensors(std::size_t mmapThresholdBytes = std::size_t(32) << 20,
                             std::size_t trimThresholdBytes = std::size_t(256) << 20);

}  // namespace sd
