// Session files, widget-free: a round trip keeps every field; malformed documents — including the fuzz
// findings replayed from tests/fuzz/corpus/session/ — give sd::Error naming the file and the field, never
// another exception.
#include "app/studio/session_file.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace sd::studio;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The error message of loading `text` as session file `name` (empty when it loaded); fails the test on any
// exception that is not sd::Error.
std::string loadError(const fs::path& dir, const std::string& name, const std::string& text) {
    const fs::path file = dir / name;
    sd::writeFileAtomic(file, text);
    try {
        loadSessionFile(file);
        return {};
    } catch (const sd::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("NOT sd::Error: ") + e.what();
    }
}

}  // namespace

class TestSessionFile : public QObject {
    Q_OBJECT

private slots:
    void roundTripKeepsEveryField() {
        Session s;
        s.dataset.kind = DatasetReference::Kind::Registry;
        s.dataset.name = "pendulum-demo";
        s.splits = std::map<std::string, std::vector<int>>{{"train", {0, 2}}, {"validation", {1}}};
        s.validationSplit = "test";
        s.pluginId = "lyapunov-net";
        s.hyperparameters = {{"epochs", 7}};
        s.views = {{"phase", {{"grid", 24}}}};
        s.board = json::array({{{"name", "run 1"}}});
        const Session back = Session::fromJson(json::parse(s.toJson().dump()));
        QCOMPARE(back.toJson(), s.toJson());
        QCOMPARE(back.dataset.name, std::string("pendulum-demo"));
        QVERIFY(back.splits && back.splits->at("train") == std::vector<int>({0, 2}));
    }

    void malformedSessionsNameTheFileAndField() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        struct Case { const char* text; const char* field; };
        const Case cases[] = {
            {R"({"format": 1, "version": 1})", "format"},                       // fuzz finding: non-string format
            {R"({"format": null, "version": 1})", "format"},
            {R"({"version": 1})", "format"},
            {R"({"format": "stabledyn-session", "version": 99})", "version"},
            {R"({"format": "stabledyn-session", "version": "1"})", "version"},
            {R"({"format": "stabledyn-session", "version": 1, "splits": {"train": "all"}})", "splits.train"},
            // fuzz finding: json::get<int> of a double beyond int's range is undefined behaviour (UBSan)
            {R"({"format": "stabledyn-session", "version": 1, "splits": {"train": [0, 1e36]}})", "splits.train[1]"},
            {R"({"format": "stabledyn-session", "version": 1, "splits": {"train": [2.5]}})", "splits.train[0]"},
            {R"({"format": "stabledyn-session", "version": 1, "splits": {"train": [-1]}})", "splits.train[0]"},
            {R"({"format": "stabledyn-session", "version": 1, "dataset": {"kind": "file", "path": "a.csv",
                 "csv_mapping": {"trajectory_id": {"index": 5222222222222222222222222222222222222}}}})",
             "dataset.csv_mapping.trajectory_id.index"},
            {R"({"format": "stabledyn-session", "version": 1, "dataset": {"kind": "file", "path": "a.csv",
                 "csv_mapping": {"states": [{"index": 1}, {"index": 4294967296}]}}})", "dataset.csv_mapping.states[1].index"},
            {R"({"format": "stabledyn-session", "version": 1, "dataset": {"kind": "spaceship"}})", "dataset.kind"},
            {R"({"format": "stabledyn-session", "version": 1, "plugin": 3})", "malformed session"},
            {R"([1, 2])", "expected a JSON object"},
            {R"({"format": "stabledyn-session", )", "bad.session.json"},
        };
        for (const Case& c : cases) {
            const std::string e = loadError(dir, "bad.session.json", c.text);
            QVERIFY2(!e.empty(), c.text);
            QVERIFY2(e.rfind("NOT", 0) != 0, e.c_str());
            QVERIFY2(e.find("bad.session.json") != std::string::npos, e.c_str());
            QVERIFY2(e.find(c.field) != std::string::npos, (e + " — expected to name " + c.field).c_str());
        }
    }

    void fuzzReproducersAreCleanErrors() {
        // Every reproducer the fuzz harness found is replayed here (tests/fuzz/corpus/session/).
        const fs::path corpus = sd::test::sourceDir() / "tests/fuzz/corpus/session";
        QVERIFY(fs::is_directory(corpus));
        QTemporaryDir tmp;
        int replayed = 0;
        for (const auto& entry : fs::directory_iterator(corpus)) {
            std::ifstream in(entry.path(), std::ios::binary);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const std::string e = loadError(tmp.path().toStdString(), "reproducer.json", text);
            QVERIFY2(e.rfind("NOT", 0) != 0, (entry.path().string() + ": " + e).c_str());
            ++replayed;
        }
        QVERIFY(replayed >= 3);
    }
};

QTEST_GUILESS_MAIN(TestSessionFile)
#include "test_session_file.moc"
