#pragma once
// Atomic file writes: readers see either the old file or the complete new one, never a partial write.
#include <filesystem>
#include <string_view>

namespace sd {

/// Writes `contents` to `path` atomically: the bytes go to a temporary file in the same folder, are
/// flushed to disk (fsync), the temporary file is renamed over `path`, and the folder is fsynced so the
/// rename itself is durable. On any failure before the rename the temporary file is removed, `path` is
/// left untouched, and sd::Error names the path and the system error. A process killed mid-write leaves
/// `path` intact and at most a hidden ".<name>.tmp<N>" file next to it.
void writeFileAtomic(const std::filesystem::path& path, std::string_view contents);

/// Reads a whole file. Throws sd::Error naming the path if it cannot be opened or read.
std::string readFile(const std::filesystem::path& path);

}  // namespace sd
