// The stabledyn-dataset JSON format: round trip and strict validation with field-naming errors.
#include "core/data/dataset_json.h"
#include "core/data/hashing.h"
#include "data_test_util.h"

using namespace sd::data;
using nlohmann::json;

namespace {

Dataset sample() {
    Dataset ds;
    ds.name = "demo";
    ds.stateNames = {"a", "b"};
    ds.inputNames = {"u"};
    ds.dt = 0.1;
    Trajectory tr;
    tr.id = "t0";
    tr.t = Eigen::VectorXd::LinSpaced(4, 0, 0.3);
    tr.x = Eigen::MatrixXd::Random(2, 4);
    tr.u = Eigen::MatrixXd::Random(1, 4);
    ds.trajectories.push_back(tr);
    Trajectory pairs;
    pairs.id = "pairs";
    pairs.x = Eigen::MatrixXd::Random(2, 3);
    pairs.dxdt = Eigen::MatrixXd::Random(2, 3);
    pairs.u = Eigen::MatrixXd::Random(1, 3);
    ds.trajectories.push_back(pairs);
    ds.splits["train"] = {0};
    ds.splits["test"] = {1};
    return ds;
}

}  // namespace

class TestDatasetJson : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::filesystem::path writeDoc(const std::string& name, const json& doc) {
        return sd::test::writeText(dir_, name, doc.dump());
    }

private slots:
    void roundTripExact() {
        const Dataset ds = sample();
        const auto p = std::filesystem::path(dir_.path().toStdString()) / "ds.json";
        saveDatasetJson(p, ds);
        const Dataset back = loadDatasetJson(p);
        QCOMPARE(back.name, ds.name);
        QCOMPARE(back.trajectories.size(), std::size_t(2));
        QVERIFY(back.trajectories[0].x == ds.trajectories[0].x);
        QVERIFY(back.trajectories[1].isPairSet());
        QVERIFY(back.trajectories[1].dxdt == ds.trajectories[1].dxdt);
        QCOMPARE(back.splits.at("test"), std::vector<int>{1});
        QCOMPARE(sha256Dataset(back), sha256Dataset(ds));
    }

    void unknownSchemaVersion() {
        json doc = datasetToJson(sample());
        doc["schema_version"] = 7;
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("v7.json", doc)), "v7.json: schema_version", "unsupported version 7");
        doc = datasetToJson(sample());
        doc["format"] = "something-else";
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("fmt.json", doc)), "fmt.json: format");
    }

    void wrongLengths() {
        json doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["trajectories"][0]["x"][1].push_back(1.0);
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("len.json", doc)), "len.json: trajectories[0].x[1]", "5 samples, expected 4");
        doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["trajectories"][0]["t"].push_back(9.0);
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("t.json", doc)), "t.json: trajectories[0].x", "expected 5");
        doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["trajectories"][0]["u"].push_back(doc["trajectories"][0]["u"][0]);
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("rows.json", doc)), "rows.json: trajectories[0].u", "2 rows");
    }

    void nanAndTypeErrors() {
        json doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["trajectories"][0]["x"][0][2] = nullptr;   // how NaN appears once written by JSON libraries
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("nan.json", doc)), "nan.json: trajectories[0].x[0][2]", "expected a number");
        const auto p = sd::test::writeText(dir_, "lit.json", "{\"format\": \"stabledyn-dataset\", \"x\": NaN}");
        SD_EXPECT_ERROR(loadDatasetJson(p), "lit.json", "invalid JSON");
        Dataset bad = sample();
        bad.trajectories[0].x(1, 1) = std::nan("");
        SD_EXPECT_ERROR(saveDatasetJson(std::filesystem::path(dir_.path().toStdString()) / "w.json", bad),
                        "trajectories[0].x[1][1]", "NaN");
    }

    void unknownKeysSplitsAndChecksum() {
        json doc = datasetToJson(sample());
        doc["trajectories"][1]["z"] = 1;
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("key.json", doc)), "trajectories[1].z", "unknown key");
        doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["splits"]["train"] = {5};
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("split.json", doc)), "split.json: splits.train[0]", "out of range");
        doc = datasetToJson(sample());
        doc["trajectories"][0]["x"][0][0] = 123.0;
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("sum.json", doc)), "sum.json: content_sha256", "does not match");
        doc = datasetToJson(sample());
        doc.erase("content_sha256");
        doc["trajectories"][0]["t"][2] = 0.0;
        SD_EXPECT_ERROR(loadDatasetJson(writeDoc("time.json", doc)), "time.json: trajectories[0].t[2]", "strictly increasing");
    }
};

QTEST_APPLESS_MAIN(TestDatasetJson)
#include "test_dataset_json.moc"
