// Fuzzes the benchmark manifest reader (datasets/*.json, core/data/registry.h).
#include "core/data/registry.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto doc = fuzz::parseJsonOrDiscard(data, size);
    if (doc.is_discarded()) return 0;
    fuzz::expectCleanRejection([&] { data::manifestFromJson(doc, "fuzz.json"); });
    return 0;
}
