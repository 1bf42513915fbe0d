#include "core/experiment/result_store.h"

#include "core/common/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <unistd.h>

namespace sd::experiment {

using nlohmann::json;

namespace {
std::string systemError() { return std::strerror(errno); }

void writeAll(int fd, const std::string& bytes, const std::filesystem::path& file) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(file.string(), "append failed: " + systemError());
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}
}  // namespace

namespace {

// Offset just after the last '\n' in the first `size` bytes of fd (0 when there is none).
off_t endOfLastCompleteLine(int fd, off_t size, const std::filesystem::path& file) {
    char buf[4096];
    off_t end = size;
    while (end > 0) {
        const off_t begin = std::max<off_t>(0, end - static_cast<off_t>(sizeof buf));
        const ssize_t n = ::pread(fd, buf, static_cast<std::size_t>(end - begin), begin);
        if (n != end - begin) throw Error(file.string(), "cannot read the end of the file: " + systemError());
        for (ssize_t i = n; i > 0; --i)
            if (buf[i - 1] == '\n') return begin + i;
        end = begin;
    }
    return 0;
}

}  // namespace

void appendJsonLine(const std::filesystem::path& file, const json& record) {
    const std::string line = record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    const bool existed = std::filesystem::exists(file);
    const int fd = ::open(file.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(file.string(), "cannot open for appending: " + systemError());
    try {
        // Appenders take turns (flock), so the tail check below never sees another writer's line in flight.
        while (::flock(fd, LOCK_EX) != 0)
            if (errno != EINTR) throw Error(file.string(), "cannot lock for appending: " + systemError());
        // A line is committed once its '\n' is on disk. A torn tail (a process killed inside its append)
        // was never committed: it is cut off, so the file holds only complete lines.
        const off_t size = ::lseek(fd, 0, SEEK_END);
        if (size < 0) throw Error(file.string(), "cannot seek: " + systemError());
        if (size > 0) {
            char last = '\n';
            if (::pread(fd, &last, 1, size - 1) != 1) throw Error(file.string(), "cannot read the last byte: " + systemError());
            if (last != '\n' && ::ftruncate(fd, endOfLastCompleteLine(fd, size, file)) != 0)
                throw Error(file.string(), "cannot drop a torn last line: " + systemError());
        }
        writeAll(fd, line, file);
        if (::fsync(fd) != 0) throw Error(file.string(), "fsync failed: " + systemError());
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);   // releases the flock
    if (!existed) {
        // Make the new directory entry durable too.
        const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
        const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            ::fsync(dfd);
            ::close(dfd);
        }
    }
}

std::vector<json> readJsonLines(const std::filesystem::path& file, int* skipped) {
    std::vector<json> out;
    std::ifstream in(file, std::ios::binary);
    if (!in) return out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        // An unterminated last line is a torn append (not committed), even when it happens to parse.
        const bool committed = !in.eof();
        json j = committed ? json::parse(line, nullptr, false) : json(json::value_t::discarded);
        if (j.is_discarded() || !j.is_object()) {
            if (skipped) ++*skipped;
            continue;
        }
        out.push_back(std::move(j));
    }
    return out;
}

std::map<std::string, json> latestRecords(const std::filesystem::path& outputDir, int* skipped) {
    std::map<std::string, json> latest;
    std::vector<std::filesystem::path> files{resultsFile(outputDir)};
    const std::filesystem::path parts = outputDir / "parts";
    if (std::filesystem::is_directory(parts)) {
        std::vector<std::filesystem::path> found;
        for (const auto& e : std::filesystem::directory_iterator(parts))
            if (e.path().extension() == ".jsonl") found.push_back(e.path());
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    for (const auto& f : files)
        for (auto& r : readJsonLines(f, skipped))
            if (r.contains("id") && r["id"].is_string()) {
                const std::string id = r["id"].get<std::string>();
                latest[id] = std::move(r);
            }
    return latest;
}

RunLock::RunLock(const std::filesystem::path& outputDir) {
    const std::filesystem::path path = outputDir / ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(outputDir.string(), "cannot create the run lock: " + systemError());
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw Error(outputDir.string(), "another experiment run is writing this folder (wait for it, or stop it first)");
    }
}

RunLock::~RunLock() {
    if (fd_ >= 0) ::close(fd_);   // closing releases the flock
}

}  // namespace sd::experiment
