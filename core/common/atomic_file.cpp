#include "core/common/atomic_file.h"

#include "core/common/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace sd {

namespace {
std::string systemError() { return std::strerror(errno); }
}  // namespace

void writeFileAtomic(const std::filesystem::path& path, std::string_view contents) {
    namespace fs = std::filesystem;
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    // A fresh name (O_EXCL): two writers of one path never share a temporary file.
    std::random_device rd;
    std::string prefix = ".";
    prefix += path.filename().string();
    prefix += ".tmp";
    fs::path tmp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        tmp = dir / (prefix + std::to_string(rd() % 1000000u));
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) throw Error(path.string(), "cannot create temporary file: " + systemError());
    const char* p = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string err = systemError();
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(path.string(), "write failed: " + err);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string err = systemError();
        ::unlink(tmp.c_str());
        throw Error(path.string(), "flush failed: " + err);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = systemError();
        ::unlink(tmp.c_str());
        throw Error(path.string(), "cannot replace file: " + err);
    }
    // The rename lives in the folder: fsync it so that after a power loss the name points at the new
    // contents (not at nothing, on file systems that do not order the rename after the data).
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) throw Error(path.string(), "written, but cannot open its folder to flush it: " + systemError());
    const int rc = ::fsync(dfd);
    const int fsyncErrno = errno;
    const std::string err = rc != 0 ? systemError() : std::string();
    ::close(dfd);
    if (rc != 0 && fsyncErrno != EINVAL) throw Error(path.string(), "written, but flushing its folder failed: " + err);
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string(), "cannot open file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(path.string(), "read failed");
    return ss.str();
}

}  // namespace sd
