// Plugin host: metadata checked before loading; every broken fixture rejected with a typed error
// naming the file; the host keeps running and still loads the good plugin.
#include "core/common/error.h"
#include "core/model/plugin_host.h"

#include <QCoreApplication>
#include <QPluginLoader>
#include <QtTest>

#ifndef SD_FIXTURE_PLUGIN_DIR
#error "SD_FIXTURE_PLUGIN_DIR must be defined"
#endif

using sd::model::PluginError;

class TestPluginHost : public QObject {
    Q_OBJECT

    static std::string fixture(const char* name) { return std::string(SD_FIXTURE_PLUGIN_DIR) + "/fixture_" + name + ".so"; }

    static const sd::model::PluginFailure* failureFor(const sd::model::PluginHost& host, const std::string& file) {
        for (const auto& f : host.failures())
            if (f.file.find(std::filesystem::path(file).filename().string()) != std::string::npos) return &f;
        return nullptr;
    }

private slots:
    void metadataIsReadWithoutLoading() {
        QPluginLoader loader(QString::fromStdString(fixture("throws")));
        const QJsonObject md = loader.metaData();
        QCOMPARE(md.value("IID").toString(), QString(SD_MODEL_PLUGIN_IID));
        QCOMPARE(md.value("MetaData").toObject().value("Id").toString(), QString("fixture-throws"));
        QVERIFY(!loader.isLoaded());
    }

    void rejectsEachBrokenFixtureAndKeepsRunning() {
        sd::model::PluginHost host;
        host.scan({SD_FIXTURE_PLUGIN_DIR});
        QVERIFY2(host.find("fixture-good") != nullptr, "the good fixture must load");
        QCOMPARE(host.find("fixture-good")->version(), std::string("1.0.0"));

        struct Case { const char* name; PluginError kind; const char* fragment; };
        const Case cases[] = {
            {"wrong_iid", PluginError::WrongIid, "expected IID 'org.stabledyn.studio.ModelPlugin/2' but found 'org.stabledyn.studio.ModelPlugin/3'"},
            {"bad_metadata", PluginError::BadMetadata, "\"Version\""},
            {"api_too_new", PluginError::ApiVersionTooNew, "ApiVersion 99"},
            {"throws", PluginError::ConstructorThrew, "fixture constructor failure"},
        };
        for (const auto& c : cases) {
            const auto* f = failureFor(host, fixture(c.name));
            QVERIFY2(f != nullptr, c.name);
            QCOMPARE(int(f->kind), int(c.kind));
            QVERIFY2(f->message.find(c.fragment) != std::string::npos, f->message.c_str());
            QVERIFY2(f->message.find("fixture_") != std::string::npos, "message names the file");
        }
        // Refused before instance(): the wrong-IID library was never loaded into the process.
        QPluginLoader probe(QString::fromStdString(fixture("wrong_iid")));
        QVERIFY(!probe.isLoaded());
        // Of the fixtures only the good one loaded (the real plugins on the search path may load too).
        std::size_t fixturesLoaded = 0;
        for (const auto& p : host.plugins()) fixturesLoaded += p.file.find("fixture_") != std::string::npos;
        QCOMPARE(fixturesLoaded, std::size_t(1));
    }

    void duplicateAndUnknownIds() {
        sd::model::PluginHost host;
        QVERIFY(host.loadFile(fixture("good")));
        QVERIFY(!host.loadFile(fixture("good")));  // same file: skipped silently
        QVERIFY_THROWS_EXCEPTION(sd::Error, host.require("no-such-plugin"));
        try {
            host.require("no-such-plugin");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).find("fixture-good") != std::string::npos);
        }
        QVERIFY(!host.loadFile("/nonexistent/libnothing.so"));
        QCOMPARE(int(host.failures().back().kind), int(PluginError::LoadFailed));
    }

    void searchPathOrderAndDeduplication() {
        const auto path = sd::model::PluginHost::searchPath({"/tmp/a", "/tmp/a", "/tmp/b"});
        QVERIFY(path.size() >= 2);
        QCOMPARE(path[0].string(), std::string("/tmp/a"));
        QCOMPARE(path[1].string(), std::string("/tmp/b"));
    }

    void loadModelChecksEnvelope() {
        sd::model::PluginHost host;
        host.loadFile(fixture("good"));
        nlohmann::json doc = {{"format", "stabledyn-model"}, {"schema_version", 7}};
        try {
            host.loadModel(doc);
            QFAIL("accepted schema version 7");
        } catch (const sd::Error& e) {
            QVERIFY(std::string(e.what()).find("schema_version") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestPluginHost)
#include "test_plugin_host.moc"
