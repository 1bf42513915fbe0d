#pragma once
// The files of a benchmark manifest on this machine: where each one is (checkAvailability and
// defaultDataRoots, declared in registry.h) and whether it is the file the manifest describes.
#include "core/data/registry.h"

#include <filesystem>
#include <map>
#include <string>

namespace sd::data {

/// The files of one manifest, found and checked.
struct VerifiedBenchmarkFiles {
    std::map<std::string, std::filesystem::path> pathOf;   ///< BenchmarkFile id → resolved file or frame folder
    std::string sha256;   ///< the file's SHA-256 for one file; else SHA-256 over "<path> <sha256>\n" lines in manifest order
};

/// Resolves every file of `manifest` (throws "<where>: not available: …" when one is missing) and, with
/// `verifyChecksums`, checks each size and SHA-256 against the manifest (a mismatch names the file, what was
/// expected and what was found). A frame folder (loader "video") is measured by digestFrameFolder (video.h).
VerifiedBenchmarkFiles verifyBenchmarkFiles(const BenchmarkManifest& manifest, const std::vector<std::filesystem::path>& dataRoots,
                                            bool verifyChecksums, const std::string& where);

}  // namespace sd::data
