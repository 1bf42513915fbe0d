#pragma once
// Shared by the libFuzzer harnesses of tests/fuzz (docs/RELIABILITY.md, "Fuzzing").
//
// The promise under test: a loader given any bytes either succeeds or throws sd::Error (a clear message
// naming the file). Crashes, sanitizer reports, hangs and unbounded memory are findings (libFuzzer stops
// on them); so is any other exception escaping a loader — it would reach the user as "internal error".
#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace sd::fuzz {

/// Runs `load`; sd::Error is the expected rejection, any other exception aborts (a finding).
template <typename F>
void expectCleanRejection(F&& load) {
    try {
        load();
    } catch (const sd::Error&) {
        // the promised outcome for bad input
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FINDING: a loader let a non-sd::Error exception escape: %s\n", e.what());
        std::abort();
    }
}

/// Parses JSON the way the project's readers do; nullopt-like discarded value when it is not JSON (that
/// path is the JSON library's, not ours).
inline nlohmann::json parseJsonOrDiscard(const std::uint8_t* data, std::size_t size) {
    return nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
}

/// A per-process scratch folder (harnesses that can only read from a path write the input there).
inline const std::filesystem::path& scratchDir() {
    static const std::filesystem::path dir = [] {
        const char* base = std::getenv("TMPDIR");
        std::filesystem::path d = std::filesystem::path(base && *base ? base : "/tmp") /
                                  ("stabledyn-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::filesystem::path writeScratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
    const std::filesystem::path p = scratchDir() / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return p;
}

}  // namespace sd::fuzz
