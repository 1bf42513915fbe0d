// Model JSON envelope and tensor encoding: bit-exact round trips, and clear errors for bad documents.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/model_document.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

using nlohmann::json;

class TestModelDocument : public QObject {
    Q_OBJECT

    static void expectError(const std::function<void()>& f, const std::string& fragment) {
        try {
            f();
            QFAIL("no error");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        }
    }

private slots:
    void matrixRoundTripIsBitExact() {
        sd::Rng rng(7);
        Eigen::MatrixXd m = rng.normalMatrix(5, 3) * 1e-3;
        m(0, 0) = 1.0 / 3.0;
        m(1, 1) = 5e-324;  // smallest subnormal
        m(2, 2) = -1.7976931348623157e308;
        const json text = json::parse(sd::model::encodeMatrix(m).dump());
        const Eigen::MatrixXd back = sd::model::decodeMatrix(text, "x", 5, 3);
        QVERIFY(std::memcmp(m.data(), back.data(), sizeof(double) * m.size()) == 0);
    }

    void refusesNonFiniteParameters() {
        Eigen::MatrixXd m = Eigen::MatrixXd::Zero(2, 2);
        m(1, 0) = std::numeric_limits<double>::quiet_NaN();
        expectError([&] { sd::model::encodeMatrix(m); }, "(1, 0)");
    }

    void wrongShapesAreNamed() {
        const json t = sd::model::encodeMatrix(Eigen::MatrixXd::Ones(2, 3));
        expectError([&] { sd::model::decodeMatrix(t, "parameters.A", 3, 3); }, "parameters.A.shape: expected [3, 3], found [2,3]");
        json shortData = t;
        shortData["data"].erase(0);
        expectError([&] { sd::model::decodeMatrix(shortData, "parameters.A"); }, "parameters.A.data: expected 6 numbers, found 5");
        json badEntry = t;
        badEntry["data"][4] = "x";
        expectError([&] { sd::model::decodeMatrix(badEntry, "parameters.A"); }, "parameters.A.data[4]");
        // B8 (issue 13): rows·cols that overflow, or huge shapes, are refused before anything is allocated.
        json huge = t;
        huge["shape"] = {4294967296LL, 4294967296LL};
        expectError([&] { sd::model::decodeMatrix(huge, "parameters.A"); }, "parameters.A.shape: [4294967296,4294967296] has more entries");
        huge["shape"] = {1LL << 40, 1LL << 20};
        expectError([&] { sd::model::decodeMatrix(huge, "parameters.A"); }, "parameters.A.data: expected 1152921504606846976 numbers, found 6");
        huge["shape"] = {0, 1LL << 62};
        huge["data"] = json::array();
        QCOMPARE(sd::model::decodeMatrix(huge, "parameters.A").size(), Eigen::Index(0));
    }

    void envelopeChecks() {
        json doc = sd::model::makeEnvelope("stable-opinf", "0.1.0", "least-squares", json::object(), {3, 1, 0});
        sd::model::checkEnvelope(doc, "stable-opinf");
        const auto dims = sd::model::readDims(doc);
        QCOMPARE(dims.state, Eigen::Index(3));
        QCOMPARE(dims.input, Eigen::Index(1));

        json future = doc;
        future["schema_version"] = 2;
        expectError([&] { sd::model::checkEnvelope(future, ""); }, "schema_version: unsupported version 2");
        json foreign = doc;
        foreign["format"] = "something-else";
        expectError([&] { sd::model::checkEnvelope(foreign, ""); }, "format");
        expectError([&] { sd::model::checkEnvelope(doc, "ren"); }, "plugin.id: expected \"ren\"");
        json noParams = doc;
        noParams.erase("parameters");
        expectError([&] { sd::model::checkEnvelope(noParams, ""); }, "parameters");
    }

    void filesAreWrittenAtomicallyAndParsedWithLocation() {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("model.json").toStdString();
        const json doc = sd::model::makeEnvelope("p", "1", "v", json::object(), {1, 0, 0});
        sd::model::saveModelFile(path, doc);
        QCOMPARE(sd::model::readJsonFile(path), doc);
        // No temporary files are left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), qsizetype(1));

        sd::writeFileAtomic(path, "{\"format\": ");
        expectError([&] { sd::model::readJsonFile(path); }, "model.json: byte");
        // Writing into a missing folder fails with the path named, and leaves nothing behind.
        expectError([&] { sd::writeFileAtomic(dir.filePath("missing/x.json").toStdString(), "{}"); }, "missing/x.json");
    }
};

QTEST_APPLESS_MAIN(TestModelDocument)
#include "test_model_document.moc"
