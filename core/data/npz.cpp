#include "core/data/npz.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <zip.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace sd::data {

static_assert(std::endian::native == std::endian::little, "the NPY reader assumes a little-endian host");

namespace {

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) s += ",";
    return s + ")";
}

// Minimal reader for the Python dict literal in an NPY header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 2), }
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& where) : s_(text), where_(where) {}

    void parse(std::string& descr, bool& fortran, std::vector<std::size_t>& shape) {
        bool haveDescr = false, haveFortran = false, haveShape = false;
        skipSpace();
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') break;
            const std::string key = quoted();
            skipSpace();
            expect(':');
            skipSpace();
            if (key == "descr") {
                descr = quoted();
                haveDescr = true;
            } else if (key == "fortran_order") {
                if (s_.substr(i_, 4) == "True") {
                    fortran = true;
                    i_ += 4;
                } else if (s_.substr(i_, 5) == "False") {
                    fortran = false;
                    i_ += 5;
                } else {
                    fail("fortran_order must be True or False");
                }
                haveFortran = true;
            } else if (key == "shape") {
                shape = tuple();
                haveShape = true;
            } else {
                fail("unexpected header key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') ++i_;
        }
        if (!haveDescr || !haveFortran || !haveShape)
            throw Error(where_, "NPY header lacks one of 'descr', 'fortran_order', 'shape'");
    }

private:
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void skipSpace() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t')) ++i_;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(where_, "malformed NPY header (" + what + " at character " + std::to_string(i_ + 1) + "): " +
                                std::string(s_.substr(0, 120)));
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++i_;
    }
    std::string quoted() {
        const char q = peek();
        if (q != '\'' && q != '"') fail("expected a quoted string");
        ++i_;
        const std::size_t begin = i_;
        while (i_ < s_.size() && s_[i_] != q) ++i_;
        if (i_ >= s_.size()) fail("unterminated string");
        return std::string(s_.substr(begin, i_++ - begin));
    }
    std::vector<std::size_t> tuple() {
        std::vector<std::size_t> out;
        expect('(');
        while (true) {
            skipSpace();
            if (peek() == ')') {
                ++i_;
                return out;
            }
            std::size_t v = 0;
            bool any = false;
            while (peek() >= '0' && peek() <= '9') {
                if (v > std::numeric_limits<std::size_t>::max() / 10) fail("dimension too large");
                v = v * 10 + static_cast<std::size_t>(peek() - '0');
                ++i_;
                any = true;
            }
            if (peek() == 'L') ++i_;   // Python 2 long suffix
            if (!any) fail("expected a dimension");
            out.push_back(v);
            skipSpace();
            if (peek() == ',') ++i_;
            else if (peek() != ')') fail("expected ',' or ')' in shape");
        }
    }

    std::string_view s_;
    std::string where_;
    std::size_t i_ = 0;
};

template <typename T>
void convert(const char* src, std::size_t count, std::vector<double>& out) {
    out.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        T v;
        std::memcpy(&v, src + i * sizeof(T), sizeof(T));
        out[i] = static_cast<double>(v);
    }
}

std::string zipErrorText(int code) {
    zip_error_t e;
    zip_error_init_with_code(&e, code);
    std::string s = zip_error_strerror(&e);
    zip_error_fini(&e);
    return s;
}

struct ZipCloser {
    void operator()(zip_t* z) const {
        if (z) zip_discard(z);
    }
};
struct ZipFileCloser {
    void operator()(zip_file_t* f) const {
        if (f) zip_fclose(f);
    }
};

}  // namespace

Eigen::MatrixXd NpyArray::matrix() const {
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    if (shape.size() == 1)
        return Eigen::Map<const Eigen::VectorXd>(data.data(), static_cast<Eigen::Index>(shape[0]));
    if (shape.size() == 2)
        return Eigen::Map<const RowMajor>(data.data(), static_cast<Eigen::Index>(shape[0]),
                                          static_cast<Eigen::Index>(shape[1]));
    throw Error("npy array " + shapeText(shape), "expected a 1-D or 2-D array, found " + std::to_string(shape.size()) +
                                                     " dimensions");
}

NpyArray NpyArray::fromMatrix(const Eigen::MatrixXd& m) {
    NpyArray a;
    a.shape = {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())};
    a.dtype = "<f8";
    a.data.resize(static_cast<std::size_t>(m.size()));
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(a.data.data(), m.rows(),
                                                                                       m.cols()) = m;
    return a;
}

NpyArray parseNpy(const std::string& bytes, const std::string& where) {
    static const char kMagic[] = "\x93NUMPY";
    if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0)
        throw Error(where, "not an NPY array (missing the \\x93NUMPY magic; " + std::to_string(bytes.size()) + " bytes)");
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLen = 0, headerStart = 0;
    if (major == 1) {
        headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw Error(where, "truncated NPY header");
        for (int i = 0; i < 4; ++i)
            headerLen |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
        headerStart = 12;
    } else {
        throw Error(where, "unsupported NPY format version " + std::to_string(major) + "." +
                               std::to_string(static_cast<unsigned char>(bytes[7])) + " (expected 1.0, 2.0 or 3.0)");
    }
    if (headerStart + headerLen > bytes.size())
        throw Error(where, "truncated NPY header: declares " + std::to_string(headerLen) + " bytes, only " +
                               std::to_string(bytes.size() - headerStart) + " present");

    NpyArray a;
    bool fortran = false;
    HeaderParser(std::string_view(bytes).substr(headerStart, headerLen), where).parse(a.dtype, fortran, a.shape);
    if (fortran)
        throw Error(where, "fortran_order arrays are not supported (save with numpy in C order, e.g. np.ascontiguousarray)");

    std::size_t itemSize = 0;
    if (a.dtype == "<f4") itemSize = 4;
    else if (a.dtype == "<f8") itemSize = 8;
    else if (a.dtype == "<i4") itemSize = 4;
    else if (a.dtype == "<i8") itemSize = 8;
    else
        throw Error(where, "unsupported dtype '" + a.dtype + "' (supported: little-endian <f4, <f8, <i4, <i8)");

    std::size_t count = 1;
    for (std::size_t d : a.shape) {
        if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d / itemSize)
            throw Error(where, "shape " + shapeText(a.shape) + " is too large");
        count *= d;
    }
    const std::size_t expected = count * itemSize;
    const std::size_t dataStart = headerStart + headerLen;
    const std::size_t present = bytes.size() - dataStart;
    if (present < expected)
        throw Error(where, "truncated array data: shape " + shapeText(a.shape) + " of " + a.dtype + " needs " +
                               std::to_string(expected) + " bytes, found " + std::to_string(present));
    if (present > expected)
        throw Error(where, "size mismatch: shape " + shapeText(a.shape) + " of " + a.dtype + " needs " +
                               std::to_string(expected) + " bytes, but " + std::to_string(present) + " follow the header");

    const char* src = bytes.data() + dataStart;
    if (a.dtype == "<f4") convert<float>(src, count, a.data);
    else if (a.dtype == "<f8") convert<double>(src, count, a.data);
    else if (a.dtype == "<i4") convert<std::int32_t>(src, count, a.data);
    else convert<std::int64_t>(src, count, a.data);
    return a;
}

NpzLimits NpzLimits::fromEnvironment() {
    NpzLimits limits;
    if (const char* mb = std::getenv("STABLEDYN_NPZ_MAX_MB"); mb && *mb) {
        std::uint64_t v = 0;
        const auto res = std::from_chars(mb, mb + std::strlen(mb), v);
        if (res.ec == std::errc() && *res.ptr == '\0' && v > 0 && v < (std::uint64_t{1} << 44)) limits.maxTotalBytes = v << 20;
    }
    return limits;
}

std::map<std::string, NpyArray> loadNpz(const std::filesystem::path& path, const NpzLimits& limits) {
    const std::string where = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(where, "file not found");
    int err = 0;
    std::unique_ptr<zip_t, ZipCloser> archive(zip_open(where.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err));
    if (!archive)
        throw Error(where, "not a readable NPZ (zip) archive, it may be truncated or corrupt: " + zipErrorText(err));

    // The central directory's sizes first: nothing is inflated unless the whole archive fits the limits.
    const zip_int64_t n = zip_get_num_entries(archive.get(), 0);
    if (n < 0 || static_cast<std::uint64_t>(n) > limits.maxMembers)
        throw Error(where, "NPZ archive has " + std::to_string(n) + " members, more than the limit of " +
                               std::to_string(limits.maxMembers));
    std::vector<zip_stat_t> stats(static_cast<std::size_t>(n));
    std::uint64_t declaredTotal = 0;
    for (zip_int64_t i = 0; i < n; ++i) {
        zip_stat_t& st = stats[static_cast<std::size_t>(i)];
        zip_stat_init(&st);
        if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0)
            throw Error(where, "cannot read zip entry " + std::to_string(i) + ": " + zip_strerror(archive.get()));
        const std::string member = st.name ? st.name : ("#" + std::to_string(i));
        if (!(st.valid & ZIP_STAT_SIZE))
            throw Error(where + " [" + member + "]", "the archive does not declare the member's uncompressed size");
        if (st.size > limits.maxTotalBytes - std::min<std::uint64_t>(declaredTotal, limits.maxTotalBytes))
            throw Error(where + " [" + member + "]",
                        "declares " + std::to_string(st.size) + " uncompressed bytes, which would take the archive over " +
                            "the NPZ reader's limit of " + std::to_string(limits.maxTotalBytes) +
                            " bytes (set STABLEDYN_NPZ_MAX_MB to raise it); refused before inflating");
        declaredTotal += st.size;
    }

    std::map<std::string, NpyArray> out;
    for (zip_int64_t i = 0; i < n; ++i) {
        const zip_stat_t& st = stats[static_cast<std::size_t>(i)];
        std::string member = st.name ? st.name : ("#" + std::to_string(i));
        if (!member.empty() && member.back() == '/') continue;   // directory entry
        const std::string memberWhere = where + " [" + member + "]";
        std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
        if (!file) throw Error(memberWhere, std::string("cannot open member: ") + zip_strerror(archive.get()));
        std::string bytes;
        bytes.resize(static_cast<std::size_t>(st.size));
        std::size_t got = 0;
        while (got < bytes.size()) {
            const zip_int64_t r = zip_fread(file.get(), bytes.data() + got, bytes.size() - got);
            if (r < 0)
                throw Error(memberWhere, std::string("truncated or corrupt member: ") + zip_file_strerror(file.get()));
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        if (got != bytes.size())
            throw Error(memberWhere, "truncated member: expected " + std::to_string(bytes.size()) + " bytes, read " +
                                         std::to_string(got));
        std::string key = member;
        if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
        out.emplace(key, parseNpy(bytes, memberWhere));
    }
    if (out.empty()) throw Error(where, "NPZ archive holds no arrays");
    return out;
}

namespace {

std::string npyBytes(const NpyArray& a, const std::string& where) {
    std::size_t count = 1;
    for (std::size_t d : a.shape) count *= d;
    if (count != a.data.size())
        throw Error(where, "array shape " + shapeText(a.shape) + " needs " + std::to_string(count) + " values, has " +
                               std::to_string(a.data.size()));
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeText(a.shape) + ", }";
    // Pad with spaces so that magic + length + header + '\n' is a multiple of 64 bytes (numpy's alignment).
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    if (header.size() > 65535) throw Error(where, "NPY header too long");
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>((header.size() >> 8) & 0xff);
    out += header;
    const std::size_t off = out.size();
    out.resize(off + a.data.size() * sizeof(double));
    if (!a.data.empty()) std::memcpy(out.data() + off, a.data.data(), a.data.size() * sizeof(double));
    return out;
}

}  // namespace

void saveNpz(const std::filesystem::path& path, const std::map<std::string, NpyArray>& arrays) {
    const std::string where = path.string();
    // Serialise every member first: libzip keeps pointers to these buffers until zip_close.
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& [name, arr] : arrays) {
        if (name.empty()) throw Error(where, "array names must not be empty");
        members.emplace_back(name + ".npy", npyBytes(arr, where + " [" + name + "]"));
    }

    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &zerr);
    if (!buffer) throw Error(where, std::string("cannot create zip buffer: ") + zip_error_strerror(&zerr));
    zip_source_keep(buffer);   // we read the finished archive back from it after zip_close
    auto failAndFree = [&](const std::string& what) {
        zip_source_free(buffer);
        throw Error(where, what);
    };
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &zerr);
    if (!archive) failAndFree(std::string("cannot create zip archive: ") + zip_error_strerror(&zerr));
    for (const auto& [name, bytes] : members) {
        zip_source_t* src = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        const zip_int64_t idx = src ? zip_file_add(archive, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) : -1;
        if (idx < 0) {
            if (src) zip_source_free(src);
            const std::string msg = zip_strerror(archive);
            zip_discard(archive);
            failAndFree("cannot add member " + name + ": " + msg);
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);   // as np.savez
    }
    if (zip_close(archive) != 0) {
        const std::string msg = zip_strerror(archive);
        zip_discard(archive);
        failAndFree("cannot finish zip archive: " + msg);
    }
    std::string bytes;
    if (zip_source_open(buffer) != 0) failAndFree("cannot read back the zip archive");
    zip_source_seek(buffer, 0, SEEK_END);
    const zip_int64_t size = zip_source_tell(buffer);
    zip_source_seek(buffer, 0, SEEK_SET);
    bytes.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
    const zip_int64_t got = bytes.empty() ? 0 : zip_source_read(buffer, bytes.data(), bytes.size());
    zip_source_close(buffer);
    zip_source_free(buffer);
    if (got != size) throw Error(where, "cannot read back the zip archive");
    writeFileAtomic(path, bytes);
}

}  // namespace sd::data
