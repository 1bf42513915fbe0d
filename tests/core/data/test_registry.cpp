// Benchmark registry: the shipped manifests validate, real benchmarks load through them, and bad
// manifests, missing files and checksum mismatches give errors naming the file and field.
#include "core/data/csv.h"
#include "core/data/registry.h"
#include "data_test_util.h"
#include "test_support.h"

using namespace sd::data;
using nlohmann::json;

namespace {

std::vector<std::filesystem::path> sharedRoots() {
    const auto d = sd::test::sharedDataDir();
    return d.empty() ? std::vector<std::filesystem::path>{} : std::vector<std::filesystem::path>{d};
}

json minimalShipped() {
    return json::parse(R"({
      "format": "stabledyn-benchmark", "schema_version": 1,
      "name": "tiny", "title": "Tiny", "kind": "shipped",
      "files": [{"id": "f", "path": "tiny.csv"}],
      "loader": {"type": "csv", "columns": {"time": "t", "states": ["x"]}},
      "trajectories": [{"id": "only", "file": "f"}],
      "splits": {"train": ["only"]}
    })");
}

}  // namespace

class TestRegistry : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::filesystem::path dirPath() const { return dir_.path().toStdString(); }

private slots:
    void shippedManifestsValidate() {
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        QVERIFY(reg.size() >= 5);
        for (const char* name : {"pendulum-n1", "pendulum-n2", "pendulum-n4", "wiener-hammerstein-process-noise",
                                 "f16-gvt-fullmsine"})
            QVERIFY2(findBenchmark(reg, name), name);
        const auto* wh = findBenchmark(reg, "wiener-hammerstein-process-noise");
        QCOMPARE(wh->dt, 1.0 / 78125.0);
        QCOMPARE(wh->trajectories.size(), std::size_t(4));
        QCOMPARE(wh->trajectories[1].columns->inputs[1].index, 3);
    }

    void shippedFileLoadsRelativeToManifest() {
        sd::test::writeText(dir_, "tiny.csv", "t,x\n0,1\n1,2\n2,4\n");
        const auto mp = sd::test::writeText(dir_, "tiny.json", minimalShipped().dump());
        const Dataset ds = loadBenchmark(loadManifest(mp), {});
        QCOMPARE(ds.name, std::string("tiny"));
        QCOMPARE(ds.trajectories.at(0).id, std::string("only"));
        QCOMPARE(ds.splits.at("train"), std::vector<int>{0});
        QCOMPARE(ds.stateNames, std::vector<std::string>{"x"});
    }

    void badManifestsNameFileAndField() {
        json j = minimalShipped();
        j.erase("title");
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m1.json", j.dump())), "m1.json: title", "missing");
        j = minimalShipped();
        j["trajectories"][0]["file"] = "nope";
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m2.json", j.dump())), "m2.json: trajectories[0].file",
                        "no file with id \"nope\"");
        j = minimalShipped();
        j["splits"]["test"] = {"ghost"};
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m3.json", j.dump())), "m3.json: splits.test[0]", "ghost");
        j = minimalShipped();
        j["loader"]["columns"]["states"] = {1.5};
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m4.json", j.dump())),
                        "m4.json: loader.columns.states[0]", "column name");
        j = minimalShipped();
        j["schema_version"] = 2;
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m5.json", j.dump())), "m5.json: schema_version");
        j = minimalShipped();
        j["files"][0]["sha256"] = "xyz";
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m6.json", j.dump())), "m6.json: files[0].sha256", "64");
        j = minimalShipped();
        j["kind"] = "external";
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m7.json", j.dump())), "m7.json: files[0]", "url");
        j = minimalShipped();
        j["colour"] = "red";
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m8.json", j.dump())), "m8.json: colour", "unknown key");
        j = minimalShipped();
        j["loader"]["columns"].erase("time");
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m9.json", j.dump())), "m9.json: dt", "required");
        SD_EXPECT_ERROR(loadManifest(sd::test::writeText(dir_, "m10.json", "{ not json")), "m10.json", "invalid JSON");
    }

    void registryRejectsBadEntryAndDuplicates() {
        QTemporaryDir reg;
        sd::test::writeText(reg, "a.json", minimalShipped().dump());
        sd::test::writeText(reg, "b.json", minimalShipped().dump());
        SD_EXPECT_ERROR(loadRegistry(reg.path().toStdString()), "b.json: name", "duplicate");
        QTemporaryDir reg2;
        json j = minimalShipped();
        j["kind"] = "simulated";
        sd::test::writeText(reg2, "bad.json", j.dump());
        SD_EXPECT_ERROR(loadRegistry(reg2.path().toStdString()), "bad.json: kind");
    }

    void checksumMismatchAndSize() {
        QTemporaryDir d;
        sd::test::writeText(d, "tiny.csv", "t,x\n0,1\n1,2\n");
        json j = minimalShipped();
        j["files"][0]["sha256"] = std::string(64, 'a');
        const auto mp = sd::test::writeText(d, "tiny.json", j.dump());
        SD_EXPECT_ERROR(loadBenchmark(loadManifest(mp), {}), "tiny.csv", "SHA-256 mismatch", "expected aaaaaaaaaaaaaaaa");
        j["files"][0]["bytes"] = 3;
        sd::test::writeText(d, "tiny.json", j.dump());
        SD_EXPECT_ERROR(loadBenchmark(loadManifest(mp), {}), "tiny.csv", "size mismatch");
        LoadBenchmarkOptions noCheck;
        noCheck.verifyChecksums = false;
        QCOMPARE(loadBenchmark(loadManifest(mp), {}, noCheck).trajectories.size(), std::size_t(1));
    }

    void missingExternalFileSaysWhereToGetIt() {
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        const auto* f16 = findBenchmark(reg, "f16-gvt-fullmsine");
        const auto avail = checkAvailability(*f16, {dirPath()});
        QVERIFY(!avail.available);
        SD_EXPECT_ERROR(loadBenchmark(*f16, {dirPath()}), "f16-gvt-fullmsine.json", "not available",
                        "F16Data_FullMSine_Level1.csv not found", "nonlinearbenchmark.org");
    }

    void generatedEntryUsesSuppliedGenerator() {
        const json j = json::parse(R"({"format": "stabledyn-benchmark", "schema_version": 1, "name": "gen",
            "title": "Generated", "kind": "generated", "dt": 0.01,
            "generator": {"name": "constant", "params": {"value": 2.5, "samples": 4}}})");
        const auto m = manifestFromJson(j, "gen.json");
        QCOMPARE(m.generator->name, std::string("constant"));
        SD_EXPECT_ERROR(loadBenchmark(m, {}), "generated", "constant");
        LoadBenchmarkOptions opt;
        opt.generator = [](const std::string& name, const json& params) {
            Dataset ds;
            ds.stateNames = {name};
            Trajectory tr;
            const int K = params.at("samples").get<int>();
            tr.t = Eigen::VectorXd::LinSpaced(K, 0, 0.01 * (K - 1));
            tr.x = Eigen::MatrixXd::Constant(1, K, params.at("value").get<double>());
            ds.trajectories.push_back(tr);
            return ds;
        };
        const Dataset ds = loadBenchmark(m, {}, opt);
        QCOMPARE(ds.name, std::string("gen"));
        QCOMPARE(ds.trajectories[0].x(0, 3), 2.5);
        QCOMPARE(ds.sha256.size(), std::size_t(64));
    }

    void realWienerHammersteinViaRegistry() {
        SD_REQUIRE_SHARED_FILE(f, "wiener_hammerstein/WH_MultisineFadeOut.csv");
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        const Dataset ds = loadBenchmark(*findBenchmark(reg, "wiener-hammerstein-process-noise"), sharedRoots());
        QCOMPARE(ds.inputNames, (std::vector<std::string>{"r", "u"}));
        QCOMPARE(ds.outputNames, std::vector<std::string>{"y"});
        QCOMPARE(ds.dt, 1.0 / 78125.0);
        const auto train = ds.split("train");
        QCOMPARE(train.size(), std::size_t(2));
        QCOMPARE(train[0]->samples(), Eigen::Index(8192));
        QCOMPARE(train[1]->samples(), Eigen::Index(8192));
        QCOMPARE(train[1]->u(0, 0), -0.61777);   // r_b
        QCOMPARE(train[1]->u(1, 0), -1.3471);    // u_b
        QCOMPARE(train[1]->y(0, 0), 0.02889);    // y_b
        QCOMPARE(ds.split("test").size(), std::size_t(2));
        QCOMPARE(ds.split("test")[0]->samples(), Eigen::Index(16384));
    }

    void realF16ViaRegistry() {
        SD_REQUIRE_SHARED_FILE(f, "f16/F16Data_FullMSine_Level7.csv");
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        const Dataset ds = loadBenchmark(*findBenchmark(reg, "f16-gvt-fullmsine"), sharedRoots());
        QCOMPARE(ds.trajectories.size(), std::size_t(7));
        QCOMPARE(ds.inputNames, (std::vector<std::string>{"Force", "Voltage"}));
        QCOMPARE(ds.outputDim(), Eigen::Index(3));
        QCOMPARE(ds.split("train").size(), std::size_t(4));
        QCOMPARE(ds.split("test")[1]->id, std::string("Level4"));
        QCOMPARE(ds.trajectories[0].samples(), Eigen::Index(73728));
        QCOMPARE(ds.dt, 0.0025);
    }

    void realPendulumViaRegistry() {
        SD_REQUIRE_SHARED_FILE(f, "pendulum_reference/p-4-test.npz");
        const auto reg = loadRegistry(sd::test::sourceDir() / "datasets");
        for (const char* name : {"pendulum-n1", "pendulum-n2", "pendulum-n4"}) {
            const Dataset ds = loadBenchmark(*findBenchmark(reg, name), sharedRoots());
            QCOMPARE(ds.trajectories.size(), std::size_t(2));
            QVERIFY(ds.split("train")[0]->isPairSet());
            QCOMPARE(ds.stateDim(), ds.trajectories[0].x.rows());
        }
    }
};

QTEST_APPLESS_MAIN(TestRegistry)
#include "test_registry.moc"
