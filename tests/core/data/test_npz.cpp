// NPY/NPZ reading and writing: dtypes, headers v1/v2, malformed archives and arrays, the pendulum
// reference sets, and the X/Y → pair-set conversion.
#include "core/common/atomic_file.h"
#include "core/data/npz.h"
#include "core/data/npz_pairs.h"
#include "data_test_util.h"
#include "test_support.h"

#include <zip.h>

#include <cmath>
#include <cstring>

using namespace sd::data;

namespace {

// An NPY byte string with a hand-written header (for malformed cases).
std::string npy(const std::string& dict, const std::string& payload, int major = 1) {
    std::string header = dict;
    const std::size_t pre = major == 1 ? 10 : 12;
    header.append((64 - (pre + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    const std::size_t n = header.size();
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    if (major != 1) out += std::string(2, '\0');
    return out + header + payload;
}

template <typename T>
std::string raw(std::initializer_list<T> values) {
    std::string s(values.size() * sizeof(T), '\0');
    std::size_t i = 0;
    for (T v : values) std::memcpy(s.data() + sizeof(T) * i++, &v, sizeof(T));
    return s;
}

// Writes a zip with the given members (stored), with libzip, as numpy would.
std::filesystem::path writeZip(const QTemporaryDir& dir, const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& members) {
    const auto path = std::filesystem::path(dir.path().toStdString()) / name;
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    for (const auto& [n, bytes] : members) {
        zip_source_t* s = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        const auto idx = zip_file_add(z, n.c_str(), s, ZIP_FL_OVERWRITE);
        zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    }
    zip_close(z);
    return path;
}

}  // namespace

class TestNpz : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void parsesAllDtypes() {
        const auto f4 = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", raw<float>({1.5f, 2, 3, 4})), "a");
        QCOMPARE(f4.data[0], 1.5);
        QCOMPARE(f4.matrix()(1, 0), 3.0);   // C order
        const auto f8 = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", raw<double>({0.1, 0.2, 0.3})), "b");
        QCOMPARE(f8.matrix().rows(), Eigen::Index(3));
        QCOMPARE(f8.data[2], 0.3);
        const auto i4 = parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", raw<std::int32_t>({-7, 9})), "c");
        QCOMPARE(i4.data[0], -7.0);
        const auto i8 = parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", raw<std::int64_t>({1LL << 40, -2})), "d");
        QCOMPARE(i8.data[0], std::ldexp(1.0, 40));
        const auto v2 = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({42.0}), 2), "e");
        QCOMPARE(v2.data[0], 42.0);
    }

    void rejectsFortranOrder() {
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", raw<double>({1, 2})), "m.npy"),
                        "m.npy", "fortran_order");
        const auto p = writeZip(dir_, "fortran.npz",
                                {{"X.npy", npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", raw<double>({1, 2}))}});
        SD_EXPECT_ERROR(loadNpz(p), "fortran.npz [X.npy]", "fortran_order");
    }

    void rejectsUnknownDtype() {
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({1})), "m"),
                        "m", "unsupported dtype '>f8'");
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", raw<double>({1, 2})), "m"),
                        "unsupported dtype '<c16'");
    }

    void rejectsSizeMismatchAndTruncatedData() {
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", raw<double>({1, 2})), "m"),
                        "truncated array data", "needs 24 bytes, found 16");
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({1, 2})), "m"),
                        "size mismatch");
        SD_EXPECT_ERROR(parseNpy("hello world", "m"), "m", "not an NPY");
        SD_EXPECT_ERROR(parseNpy(npy("{'descr': '<f8', 'shape': (1,), }", raw<double>({1})), "m"), "lacks");
    }

    void rejectsTruncatedArchive() {
        std::map<std::string, NpyArray> arrays{{"X", NpyArray::fromMatrix(Eigen::MatrixXd::Random(20, 3))}};
        const auto full = std::filesystem::path(dir_.path().toStdString()) / "full.npz";
        saveNpz(full, arrays);
        std::string bytes = sd::readFile(full);
        const auto cut = sd::test::writeText(dir_, "cut.npz", bytes.substr(0, bytes.size() / 2));
        SD_EXPECT_ERROR(loadNpz(cut), "cut.npz", "truncated or corrupt");
        const auto garbage = sd::test::writeText(dir_, "garbage.npz", "not a zip at all");
        SD_EXPECT_ERROR(loadNpz(garbage), "garbage.npz", "not a readable NPZ");
        SD_EXPECT_ERROR(loadNpz(dir_.filePath("absent.npz").toStdString()), "absent.npz", "not found");
    }

    void saveLoadRoundTrip() {
        const Eigen::MatrixXd a = Eigen::MatrixXd::Random(5, 3);
        const auto p = std::filesystem::path(dir_.path().toStdString()) / "rt.npz";
        saveNpz(p, {{"A", NpyArray::fromMatrix(a)}, {"B", NpyArray::fromMatrix(a.transpose())}});
        const auto back = loadNpz(p);
        QCOMPARE(back.size(), std::size_t(2));
        QVERIFY(back.at("A").matrix() == a);
        QVERIFY(back.at("B").matrix() == a.transpose());
        QCOMPARE(back.at("A").dtype, std::string("<f8"));
    }

    void pairSetShapeErrors() {
        const auto p = std::filesystem::path(dir_.path().toStdString()) / "pairs_bad.npz";
        saveNpz(p, {{"X", NpyArray::fromMatrix(Eigen::MatrixXd::Ones(4, 2))}, {"Y", NpyArray::fromMatrix(Eigen::MatrixXd::Ones(4, 3))}});
        SD_EXPECT_ERROR(loadNpzPairSet(p), "pairs_bad.npz", "same shape");
        SD_EXPECT_ERROR(loadNpzPairSet(p, "X", "Z"), "pairs_bad.npz", "missing array 'Z'");
    }

    void pendulumReferenceN1() {
        SD_REQUIRE_SHARED_FILE(path, "pendulum_reference/p-1-train.npz");
        const auto arrays = loadNpz(path);
        QCOMPARE(arrays.at("X").dtype, std::string("<f4"));
        QCOMPARE(arrays.at("X").shape, (std::vector<std::size_t>{1000, 2}));
        const Dataset ds = loadNpzPairs(path, "X", "Y", {"theta", "omega"});
        const Trajectory& tr = ds.trajectories.at(0);
        QVERIFY(tr.isPairSet());
        QCOMPARE(tr.x.rows(), Eigen::Index(2));
        QCOMPARE(tr.x.cols(), Eigen::Index(1000));
        double maxErr = 0;
        for (Eigen::Index k = 0; k < tr.x.cols(); ++k) {
            const double q = tr.x(0, k), u = tr.x(1, k);
            maxErr = std::max(maxErr, std::abs(tr.dxdt(0, k) - u));
            maxErr = std::max(maxErr, std::abs(tr.dxdt(1, k) - (-0.3 * u - 9.81 * std::sin(q))));
        }
        QVERIFY2(maxErr < 1e-5, qPrintable(QString("max error %1").arg(maxErr)));
    }

    void pendulumReferenceN2N4Shapes() {
        SD_REQUIRE_SHARED_FILE(p2, "pendulum_reference/p-2-test.npz");
        SD_REQUIRE_SHARED_FILE(p4, "pendulum_reference/p-4-train.npz");
        const auto t2 = loadNpzPairSet(p2);
        QCOMPARE(t2.x.rows(), Eigen::Index(4));
        QCOMPARE(t2.x.cols(), Eigen::Index(2000));
        QVERIFY(t2.dxdt.topRows(2) == t2.x.bottomRows(2));   // dq/dt = velocities exactly
        const auto t4 = loadNpzPairSet(p4);
        QCOMPARE(t4.x.rows(), Eigen::Index(8));
        QCOMPARE(t4.x.cols(), Eigen::Index(4000));
    }
};

QTEST_APPLESS_MAIN(TestNpz)
#include "test_npz.moc"
