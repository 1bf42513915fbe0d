// Fuzzes the studio's session file reader (app/studio/session_file.h, widget-free) and its dataset
// reference (including the CSV column mapping).
#include "app/studio/session_file.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto doc = fuzz::parseJsonOrDiscard(data, size);
    if (doc.is_discarded()) return 0;
    fuzz::expectCleanRejection([&] {
        const auto s = studio::Session::fromJson(doc, "fuzz.session");
        s.dataset.describe();
        s.toJson();
    });
    return 0;
}
