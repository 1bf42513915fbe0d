#pragma once
// SHA-256 fingerprints of files and of dataset content (recorded in models' training records and checked
// against registry manifests). Hex strings are lowercase, 64 characters.
#include "core/data/dataset.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace sd::data {

/// SHA-256 of a file's bytes. Throws sd::Error naming the path if it cannot be read.
std::string sha256File(const std::filesystem::path& path);
/// SHA-256 of a byte string.
std::string sha256Bytes(std::string_view bytes);
/// SHA-256 of a dataset's content: channel names, dt, every trajectory's id and t/x/u/y/dxdt (shapes and
/// the IEEE-754 bytes of each value, little-endian) and the splits. Independent of name, source and the
/// stored sha256 field, so the same numbers loaded from CSV, NPZ or JSON hash the same.
std::string sha256Dataset(const Dataset& dataset);

}  // namespace sd::data
