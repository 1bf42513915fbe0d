#include "core/data/benchmark_files.h"

#include "core/common/error.h"
#include "core/data/hashing.h"
#include "core/data/video.h"

#include <algorithm>
#include <cstdlib>

namespace sd::data {

namespace {

// Combined fingerprint of several files: SHA-256 over "<path> <sha256>\n" lines, in manifest order.
std::string combinedSha(const std::vector<std::pair<std::string, std::string>>& fileShas) {
    if (fileShas.size() == 1) return fileShas.front().second;
    std::string text;
    for (const auto& [path, sha] : fileShas) text += path + " " + sha + "\n";
    return sha256Bytes(text);
}

}  // namespace

BenchmarkAvailability checkAvailability(const BenchmarkManifest& m, const std::vector<std::filesystem::path>& roots) {
    BenchmarkAvailability a;
    a.available = true;
    std::string missing;
    for (const auto& f : m.files) {
        BenchmarkFileStatus st;
        st.file = &f;
        std::vector<std::filesystem::path> candidates;
        if (m.kind == BenchmarkKind::Shipped) {
            candidates.push_back(m.manifestPath.parent_path() / f.path);
        } else {
            for (const auto& r : roots) candidates.push_back(r / f.path);
            for (const auto& r : roots) {
                auto flat = r / std::filesystem::path(f.path).filename();
                if (flat != r / f.path) candidates.push_back(flat);
            }
        }
        for (const auto& c : candidates) {
            st.searched.push_back(c);
            std::error_code ec;
            if (std::filesystem::is_regular_file(c, ec) ||
                (m.loader.type == "video" && std::filesystem::is_directory(c, ec))) {
                st.resolved = c;
                break;
            }
        }
        if (st.resolved.empty()) {
            a.available = false;
            std::string searched;
            for (const auto& s : st.searched) searched += (searched.empty() ? "" : ", ") + s.string();
            if (searched.empty()) searched = "no data roots given";
            missing += (missing.empty() ? "" : "; ") + f.path + " not found (searched " + searched + ")";
            std::string how = f.url;
            if (!f.instructions.empty()) how += (how.empty() ? "" : " — ") + f.instructions;
            if (!how.empty()) missing += "; get it from " + how;
        }
        a.files.push_back(std::move(st));
    }
    if (!a.available) a.message = "not available: " + missing;
    return a;
}


std::vector<std::filesystem::path> defaultDataRoots(const std::filesystem::path& projectRoot) {
    std::vector<std::filesystem::path> roots;
    auto add = [&](const std::filesystem::path& p) {
        std::error_code ec;
        if (!p.empty() && std::filesystem::is_directory(p, ec) &&
            std::find(roots.begin(), roots.end(), p) == roots.end())
            roots.push_back(p);
    };
    if (const char* env = std::getenv("STABLEDYN_DATA_PATH")) {
        std::string s = env;
        std::size_t start = 0;
        while (start <= s.size()) {
            const std::size_t end = std::min(s.find(':', start), s.size());
            add(s.substr(start, end - start));
            start = end + 1;
        }
    }
    add(projectRoot / ".." / "shared" / "data");
    add(projectRoot / "datasets" / "data");
    return roots;
}

VerifiedBenchmarkFiles verifyBenchmarkFiles(const BenchmarkManifest& m, const std::vector<std::filesystem::path>& roots,
                                            bool verifyChecksums, const std::string& where) {
    const BenchmarkAvailability avail = checkAvailability(m, roots);
    if (!avail.available) throw Error(where, avail.message);
    VerifiedBenchmarkFiles files;
    std::vector<std::pair<std::string, std::string>> shas;
    for (const auto& st : avail.files) {
        const BenchmarkFile& f = *st.file;
        std::error_code dirEc;
        if (std::filesystem::is_directory(st.resolved, dirEc)) {
            // A folder of video frames: size and SHA-256 are those of digestFrameFolder (data/video.h).
            const FrameFolderDigest d = digestFrameFolder(st.resolved);
            if (verifyChecksums && f.bytes >= 0 && d.bytes != f.bytes)
                throw Error(st.resolved.string(), "size mismatch: expected " + std::to_string(f.bytes) +
                                                      " bytes of frames (manifest " + where + "), found " +
                                                      std::to_string(d.bytes) + " in " + std::to_string(d.files) +
                                                      " frames; frames are missing, extra or a different version");
            if (verifyChecksums && !f.sha256.empty() && d.sha256 != f.sha256)
                throw Error(st.resolved.string(), "SHA-256 mismatch: expected " + f.sha256 + " (manifest " + where +
                                                      "), found " + d.sha256 + " over " + std::to_string(d.files) +
                                                      " frames; a frame is damaged or a different version");
            files.pathOf[f.id] = st.resolved;
            shas.emplace_back(f.path, d.sha256);
            continue;
        }
        if (verifyChecksums) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(st.resolved, ec);
            if (f.bytes >= 0 && !ec && static_cast<std::int64_t>(size) != f.bytes)
                throw Error(st.resolved.string(), "size mismatch: expected " + std::to_string(f.bytes) + " bytes (manifest " +
                                                      where + "), found " + std::to_string(size) +
                                                      "; the file is truncated or a different version");
        }
        const std::string sha = sha256File(st.resolved);
        if (verifyChecksums && !f.sha256.empty() && sha != f.sha256)
            throw Error(st.resolved.string(), "SHA-256 mismatch: expected " + f.sha256 + " (manifest " + where +
                                                  "), found " + sha + "; the file is damaged or a different version");
        files.pathOf[f.id] = st.resolved;
        shas.emplace_back(f.path, sha);
    }
    files.sha256 = combinedSha(shas);
    return files;
}

}  // namespace sd::data
