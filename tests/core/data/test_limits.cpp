// Resource limits of the loaders (docs/RELIABILITY.md, "Resource limits"): huge inputs fail with a clear
// error before the memory is spent, or load within the documented memory. The big inputs are generated
// here, streamed into a temporary folder, and removed afterwards.
#include "core/data/csv.h"
#include "core/data/npz.h"
#include "core/data/video.h"
#include "core/data/video_export.h"
#include "core/systems/ripple_texture.h"
#include "data_test_util.h"
#include "sanitizer_build.h"
#include "test_support.h"

#include <zip.h>

#include <sys/resource.h>

#include <array>
#include <cstdint>
#include <cstring>

using namespace sd::data;
using sd::systems::generateRippleTexture;
using sd::systems::RippleTextureOptions;
namespace fs = std::filesystem;

namespace {

using sd::test::kAddressSanitizer;

// Writes `rows` copies of `row` after `header`, 1 MB at a time (never the whole file in memory).
void writeRepeated(const fs::path& file, const std::string& header, const std::string& row, std::uint64_t rows) {
    std::ofstream out(file, std::ios::binary);
    out << header;
    std::string chunk;
    const std::uint64_t perChunk = std::max<std::uint64_t>(1, (1u << 20) / row.size());
    for (std::uint64_t i = 0; i < perChunk; ++i) chunk += row;
    for (std::uint64_t done = 0; done < rows; done += perChunk) {
        const std::uint64_t n = std::min(perChunk, rows - done);
        out.write(chunk.data(), static_cast<std::streamsize>(n * row.size()));
    }
    QVERIFY(out.good());
}

std::int64_t currentRssBytes() {
    std::ifstream status("/proc/self/statm");
    std::int64_t pages = 0, resident = 0;
    status >> pages >> resident;
    return resident * ::sysconf(_SC_PAGESIZE);
}

std::int64_t peakRssBytes() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return std::int64_t(u.ru_maxrss) * 1024;
}

void putLe32(std::string& bytes, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A zip archive written by libzip with the given (name, bytes) members, deflated.
std::string deflatedZip(const std::vector<std::pair<std::string, std::string>>& members) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
    zip_source_keep(buffer);
    zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, &err);
    for (const auto& [name, bytes] : members) {
        zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        const zip_int64_t idx = zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE);
        zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9);
    }
    zip_close(z);
    zip_source_open(buffer);
    zip_source_seek(buffer, 0, SEEK_END);
    std::string out(static_cast<std::size_t>(zip_source_tell(buffer)), '\0');
    zip_source_seek(buffer, 0, SEEK_SET);
    zip_source_read(buffer, out.data(), out.size());
    zip_source_close(buffer);
    zip_source_free(buffer);
    return out;
}

// A .npy member: header for `count` little-endian doubles followed by zeros.
std::string zeroNpy(std::size_t count) {
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(count) + ",), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + std::string(count * sizeof(double), '\0');
}

std::uint32_t crc32(const std::string& bytes) {
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

}  // namespace

class TestLimits : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path path(const std::string& name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    // First, while the process's peak RSS is still its start-up size: a 40 MB CSV loads within the memory
    // csv.h documents (text + 24 bytes per cell + 16 bytes per mapped value).
    void aLargeCsvLoadsWithinTheDocumentedMemory() {
        if (kAddressSanitizer) QSKIP("AddressSanitizer's shadow memory and quarantine make RSS meaningless");
        const fs::path file = path("large.csv");
        const std::string row = "12.25,0.0001220703125,-3.5,1e-07\n";   // 4 cells, 34 bytes
        const std::uint64_t rows = (40u << 20) / row.size();
        {
            std::ofstream out(file, std::ios::binary);
            out << "t,x1,x2,x3\n";
            for (std::uint64_t r = 0; r < rows; ++r) out << r << row.substr(row.find(','));   // t = 0, 1, 2, …
        }
        const std::int64_t size = static_cast<std::int64_t>(fs::file_size(file));
        const std::int64_t cells = static_cast<std::int64_t>(rows) * 4;
        const std::int64_t before = currentRssBytes();
        CsvMapping m;
        m.time = ColumnRef::byName("t");
        m.states = {ColumnRef::byName("x1"), ColumnRef::byName("x2"), ColumnRef::byName("x3")};
        const Dataset ds = loadCsv(file, m);
        QCOMPARE(ds.trajectories.at(0).samples(), Eigen::Index(rows));
        const std::int64_t grown = peakRssBytes() - before;
        const std::int64_t documented = size + 24 * cells + 16 * cells;
        qInfo("40 MB CSV (%lld cells): peak RSS grew by %lld MB; documented bound %lld MB", (long long)cells,
              (long long)(grown >> 20), (long long)(documented >> 20));
        QVERIFY2(grown <= documented + (16 << 20), "loading took more memory than csv.h documents");
        fs::remove(file);
    }

    void aCsvOf500MegabytesIsRefusedBeforeReading() {
        const fs::path file = path("huge.csv");
        const std::string row = "0.123456789,1.23456789,2.3456789,3.456789\n";
        writeRepeated(file, "t,a,b,c\n", row, (500ull << 20) / row.size() + 1);
        QVERIFY(fs::file_size(file) >= (500ull << 20));
        CsvMapping m;
        m.time = ColumnRef::byName("t");
        m.states = {ColumnRef::byName("a")};
        SD_EXPECT_ERROR(loadCsv(file, m), "huge.csv", "501 MB", "limit of 256 MB", "STABLEDYN_CSV_MAX_MB");
        SD_EXPECT_ERROR(peekCsv(file), "huge.csv", "limit of 256 MB");
        // An explicit, higher limit is honoured (the file is then read; here only its header is checked).
        CsvLimits small;
        small.maxFileBytes = 1 << 20;
        SD_EXPECT_ERROR(CsvTable::read(path("huge.csv"), ',', small), "limit of 1 MB");
        fs::remove(file);
    }

    void aRowOfTenMillionColumnsIsARaggedRowNotAnAllocation() {
        const fs::path file = path("wide-row.csv");
        {
            std::ofstream out(file, std::ios::binary);
            out << "t,x\n0,1\n1";
            const std::string chunk = [] {
                std::string s;
                for (int i = 0; i < 100000; ++i) s += ",7";
                return s;
            }();
            for (int i = 0; i < 100; ++i) out << chunk;   // 10 million extra fields on line 3
            out << "\n";
        }
        CsvMapping m;
        m.time = ColumnRef::byName("t");
        m.states = {ColumnRef::byName("x")};
        SD_EXPECT_ERROR(loadCsv(file, m), "wide-row.csv:3:3", "ragged row", "expected 2 fields", "found more than 1003");
        fs::remove(file);
    }

    void aHeaderOfTenMillionColumnsIsRefused() {
        const fs::path file = path("wide-header.csv");
        {
            std::ofstream out(file, std::ios::binary);
            std::string chunk;
            for (int i = 0; i < 100000; ++i) chunk += "c,";
            for (int i = 0; i < 100; ++i) out << chunk;
            out << "last\n";
            out << "1\n";
        }
        SD_EXPECT_ERROR(CsvTable::read(file), "wide-header.csv:1:100001", "more than 100000 columns");
        fs::remove(file);
        // Exactly at the limit is fine (and a trailing delimiter does not count).
        std::string header, row;
        for (int i = 0; i < 100000; ++i) {
            header += "c" + std::to_string(i) + ",";
            row += "1,";
        }
        const auto table = CsvTable::parse(header + "\n" + row + "\n", "limit.csv");
        QCOMPARE(table.columnCount(), std::size_t(100000));
        // A missing-column message lists a few names, not all of them.
        try {
            table.columnIndex("nope");
            QFAIL("expected an error");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).size() < 2000);
            QVERIFY(std::string(e.what()).find("(100000 columns)") != std::string::npos);
        }
    }

    // A zip whose central directory claims 4 GB for a member is refused from the directory, before
    // anything is inflated or allocated.
    void anNpzDecompressionBombIsRefusedBeforeInflating() {
        std::string zip = deflatedZip({{"X.npy", zeroNpy(1 << 20)}});   // 8 MB of zeros, a few kB deflated
        QVERIFY(zip.size() < 100000);
        const std::uint32_t claimed = 4000000000u;
        std::size_t patched = 0;
        for (std::size_t at = 0; at + 46 <= zip.size(); ++at) {
            if (zip.compare(at, 4, "PK\x03\x04", 4) == 0) putLe32(zip, at + 22, claimed), ++patched;
            if (zip.compare(at, 4, "PK\x01\x02", 4) == 0) putLe32(zip, at + 24, claimed), ++patched;
        }
        QCOMPARE(patched, std::size_t(2));
        const fs::path bomb = sd::test::writeText(tmp_, "bomb.npz", zip);
        SD_EXPECT_ERROR(loadNpz(bomb), "bomb.npz [X.npy]", "declares 4000000000 uncompressed bytes", "refused before inflating");
    }

    void anNpzOverTheLimitIsRefusedEvenWhenItsSizesAreHonest() {
        const fs::path file = sd::test::writeText(tmp_, "zeros.npz", deflatedZip({{"X.npy", zeroNpy(1 << 20)}}));
        NpzLimits limits;
        limits.maxTotalBytes = 1 << 20;
        SD_EXPECT_ERROR(loadNpz(file, limits), "zeros.npz [X.npy]", "declares 8388736", "limit of 1048576 bytes");
        limits.maxTotalBytes = 16 << 20;
        QCOMPARE(loadNpz(file, limits).at("X").data.size(), std::size_t(1) << 20);
        // The limit is on the sum: two members of 600 kB each exceed 1 MB together.
        const fs::path two = sd::test::writeText(tmp_, "two.npz", deflatedZip({{"X.npy", zeroNpy(75000)}, {"Y.npy", zeroNpy(75000)}}));
        limits.maxTotalBytes = 1 << 20;
        SD_EXPECT_ERROR(loadNpz(two, limits), "two.npz [Y.npy]", "limit of 1048576 bytes");
    }

    // A GIF's logical screen of 65535 x 65535 (4.3 gigapixels, 100 GB as doubles) is refused from the header.
    void aGifWithAbsurdDimensionsIsRefusedBeforeDecoding() {
        std::string gif = "GIF89a";
        gif += "\xff\xff\xff\xff";          // width, height = 65535
        gif += std::string("\x80\x00\x00", 3);   // global colour table of 2 entries
        gif += std::string(6, '\0');
        gif += std::string("\x2c\0\0\0\0\x01\0\x01\0\0", 10);   // a 1x1 image
        gif += std::string("\x02\x02\x44\x01\x00\x3b", 6);
        const fs::path file = sd::test::writeText(tmp_, "absurd.gif", gif);
        SD_EXPECT_ERROR(loadGif(file), "absurd.gif", "declares a frame of 65535x65535 pixels", "refused before decoding");
        SD_EXPECT_ERROR(loadVideo(file), "absurd.gif", "65535x65535");
    }

    void aPngFrameWithAbsurdDimensionsIsRefusedBeforeDecoding() {
        // A valid PNG signature and IHDR chunk (CRC included) declaring 100000 x 100000 RGB pixels.
        std::string ihdr = "IHDR" + be32(100000) + be32(100000) + std::string("\x08\x02\x00\x00\x00", 5);
        std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr));
        const std::string idat = "IDAT", iend = "IEND";   // libpng reads the header up to the first IDAT
        png += be32(0) + idat + be32(crc32(idat)) + be32(0) + iend + be32(crc32(iend));
        const fs::path folder = path("absurd-frames");
        fs::create_directories(folder);
        std::ofstream(folder / "frame1.png", std::ios::binary) << png;
        SD_EXPECT_ERROR(loadImageSequence(folder), "frame1.png", "declares a frame of 100000x100000 pixels");
    }

    // Many small frames: loading stops with an error at the memory budget instead of growing without end.
    void aLongVideoStopsAtTheFrameMemoryBudget() {
        RippleTextureOptions ro;
        ro.height = ro.width = 8;
        ro.frames = 10;
        ro.warmup = 2;
        const fs::path file = path("ten.gif");
        writeGif(generateRippleTexture(ro), file);
        VideoLoadOptions o;
        o.maxFramesBytes = 4 * 3 * 8 * 8 * std::int64_t(sizeof(double));   // room for 4 RGB frames
        SD_EXPECT_ERROR(loadGif(file, o), "ten.gif frame 4", "keeping 5 frames of 8x8 pixels", "maxFrames");
        o.maxFrames = 4;
        QCOMPARE(loadGif(file, o).frameCount(), Eigen::Index(4));
        o.maxFrames = 0;
        o.color = VideoColor::Gray;   // gray frames are a third of the size: all 10 fit
        QCOMPARE(loadGif(file, o).frameCount(), Eigen::Index(10));
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "test_limits.moc"
