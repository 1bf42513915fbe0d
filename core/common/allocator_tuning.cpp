#include "core/common/allocator_tuning.h"

#include <climits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sd {

bool tuneAllocatorForTensors(std::size_t mmapThresholdBytes, std::size_t trimThresholdBytes) {
    if (mmapThresholdBytes > INT_MAX || trimThresholdBytes > INT_MAX) return false;  // mallopt takes an int
#if defined(__GLIBC__)
    // mallopt returns 0 for a value it rejects.
    const bool mmapOk = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmapThresholdBytes)) == 1;
    const bool trimOk = mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimThresholdBytes)) == 1;
    const bool padOk = mallopt(M_TOP_PAD, 16 << 20) == 1;
    return mmapOk && trimOk && padOk;
#else
    (void)mmapThresholdBytes;
    (void)trimThresholdBytes;
    return true;
#endif
}

}  // namespace sd
