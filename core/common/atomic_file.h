#pragma once
// Atomic file writes: readers see either the old file or the complete new one, never a partial write.
#include <filesystem>
#include <string_view>

namespace sd {

/// Writes `contents` to `path` atomically: the bytes go to a temporary file in the same folder, are
/// flushed to disk (fsync), and the temporary file is renamed over `path`. On any failure the temporary
/// file is removed, `path` is left untouched, and sd::Error names the path and the system error.
void writeFileAtomic(const std::filesystem::path& path, std::string_view contents);

/// Reads a whole file. Throws sd::Error naming the path if it cannot be opened or read.
std::string readFile(const std::filesystem::path& path);

}  // namespace sd
