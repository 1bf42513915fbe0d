// Fuzzes the experiment plan parser (core/experiment/plan.h; docs/experiment-plan.md).
#include "core/experiment/plan.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expectCleanRejection([&] {
        const auto plan = experiment::parsePlan(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz-plan.json",
                                                fuzz::scratchDir());
        experiment::planToJson(plan);
    });
    return 0;
}
