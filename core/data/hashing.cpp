#include "core/data/hashing.h"

#include "core/common/error.h"

#include <QCryptographicHash>
#include <QFile>

#include <bit>
#include <cstdint>
#include <cstring>

namespace sd::data {

namespace {

std::string toHex(const QByteArray& digest) { return digest.toHex().toStdString(); }

// Appends framing so that different field splits can never produce the same byte stream.
class ContentHasher {
public:
    void addText(std::string_view s) {
        addCount(s.size());
        hash_.addData(QByteArrayView(s.data(), static_cast<qsizetype>(s.size())));
    }
    void addCount(std::uint64_t n) {
        unsigned char b[8];
        for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(n >> (8 * i));
        hash_.addData(QByteArrayView(reinterpret_cast<const char*>(b), 8));
    }
    void addDouble(double v) { addCount(std::bit_cast<std::uint64_t>(v)); }
    void addMatrix(const Eigen::MatrixXd& m) {
        if (m.size() == 0) {   // every empty shape (0×0, 0×K, K×0) means "absent"
            addCount(0);
            addCount(0);
            return;
        }
        addCount(static_cast<std::uint64_t>(m.rows()));
        addCount(static_cast<std::uint64_t>(m.cols()));
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            for (Eigen::Index r = 0; r < m.rows(); ++r) addDouble(m(r, c));
    }
    std::string result() const { return toHex(hash_.result()); }

private:
    QCryptographicHash hash_{QCryptographicHash::Sha256};
};

}  // namespace

std::string sha256File(const std::filesystem::path& path) {
    QFile file(QString::fromStdString(path.string()));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path.string(), "cannot open file for hashing: " + file.errorString().toStdString());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) throw Error(path.string(), "cannot read file for hashing");
    return toHex(hash.result());
}

std::string sha256Bytes(std::string_view bytes) {
    return toHex(QCryptographicHash::hash(QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())),
                                          QCryptographicHash::Sha256));
}

std::string sha256Dataset(const Dataset& ds) {
    ContentHasher h;
    h.addText("stabledyn-dataset-content-v1");
    for (const auto* names : {&ds.stateNames, &ds.inputNames, &ds.outputNames}) {
        h.addCount(names->size());
        for (const auto& n : *names) h.addText(n);
    }
    h.addDouble(ds.dt);
    h.addCount(ds.trajectories.size());
    for (const auto& tr : ds.trajectories) {
        h.addText(tr.id);
        h.addMatrix(tr.t);
        h.addMatrix(tr.x);
        h.addMatrix(tr.u);
        h.addMatrix(tr.y);
        h.addMatrix(tr.dxdt);
    }
    h.addCount(ds.splits.size());
    for (const auto& [name, idx] : ds.splits) {
        h.addText(name);
        h.addCount(idx.size());
        for (int i : idx) h.addCount(static_cast<std::uint64_t>(static_cast<std::int64_t>(i)));
    }
    return h.result();
}

}  // namespace sd::data
