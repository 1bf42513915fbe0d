#pragma once
// NumPy .npy / .npz reading and writing (npz = zip of .npy members, read with libzip).
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sd::data {

/// One numpy array, converted to double. Data is in C (row-major) order as in the file.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::vector<double> data;
    std::string dtype;   ///< numpy descr of the source, e.g. "<f4", "<f8", "<i8"

    /// A 1-D or 2-D array as a rows×cols matrix in the file's row/column meaning
    /// (a 1-D array of length n gives n×1). Throws sd::Error for other ranks.
    Eigen::MatrixXd matrix() const;
    static NpyArray fromMatrix(const Eigen::MatrixXd& m);   ///< 2-D "<f8" array
};

/// What the NPZ reader inflates (docs/RELIABILITY.md, "Resource limits"): the uncompressed sizes the
/// archive declares are checked before any member is read, so a decompression bomb is refused without
/// inflating it. Peak memory is about 3x the total (the member bytes plus its values as doubles).
struct NpzLimits {
    /// Sum of the declared uncompressed member sizes (default 1 GiB; STABLEDYN_NPZ_MAX_MB raises it).
    std::uint64_t maxTotalBytes = std::uint64_t{1} << 30;
    /// At most this many members.
    std::size_t maxMembers = 4096;

    static NpzLimits fromEnvironment();   ///< the defaults with STABLEDYN_NPZ_MAX_MB applied
};

/// Reads every member of an .npz archive. Throws sd::Error naming the file (and member) on a missing,
/// truncated or corrupt archive, an archive over `limits`, an unsupported dtype, fortran order, or a size
/// mismatch.
std::map<std::string, NpyArray> loadNpz(const std::filesystem::path& path,
                                        const NpzLimits& limits = NpzLimits::fromEnvironment());
/// Parses one .npy byte buffer; `where` names it in errors.
NpyArray parseNpy(const std::string& bytes, const std::string& where);
/// Writes an .npz archive atomically (members stored as "<name>.npy", "<f8").
void saveNpz(const std::filesystem::path& path, const std::map<std::string, NpyArray>& arrays);

}  // namespace sd::data
