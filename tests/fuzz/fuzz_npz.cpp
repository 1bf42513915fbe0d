// Fuzzes the NPZ (zip of .npy) reader and the X/Y pair-set loader (core/data/npz.h, npz_pairs.h).
#include "core/data/npz.h"
#include "core/data/npz_pairs.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The raw bytes as one .npy member, then as a whole archive (libzip reads from a path).
    fuzz::expectCleanRejection([&] { data::parseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy"); });
    const auto path = fuzz::writeScratch("input.npz", data, size);
    fuzz::expectCleanRejection([&] {
        for (const auto& [name, array] : data::loadNpz(path))
            if (array.shape.size() <= 2) array.matrix();
    });
    fuzz::expectCleanRejection([&] { data::loadNpzPairs(path); });
    return 0;
}
