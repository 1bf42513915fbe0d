// The strict JSON reader (core/common/json_reader.h): the same documents as nlohmann's parser, and clear errors
// naming source and field path for what the plain parser accepts silently (duplicate keys) or reports without a
// location (number overflow).
#include "core/common/error.h"
#include "core/common/json_reader.h"

#include <QtTest>

using nlohmann::json;

class TestJsonReader : public QObject {
    Q_OBJECT

    static sd::Error errorOf(const std::string& text) {
        try {
            sd::parseJsonStrict(text, "m.json");
        } catch (const sd::Error& e) {
            return e;
        }
        return sd::Error("", "no error");
    }

private slots:
    void readsWhatTheDomParserReads() {
        const std::string text = R"({"a": [1, -2, 3.5, 1e308, 18446744073709551615, true, null, "s", {"b": []}], "c": {}, "": 0})";
        QCOMPARE(sd::parseJsonStrict(text, "x").dump(), json::parse(text).dump());
        QCOMPARE(sd::parseJsonStrict("[[1,[2]],[3]]", "x").dump(), std::string("[[1,[2]],[3]]"));
        QCOMPARE(sd::parseJsonStrict("42", "x").get<int>(), 42);
        // The same key in different objects is fine.
        QCOMPARE(sd::parseJsonStrict(R"({"a": {"k": 1}, "b": {"k": 2}})", "x")["b"]["k"].get<int>(), 2);
    }

    void duplicateKeysNameTheObject() {
        sd::Error e = errorOf(R"({"parameters": {"A": 1, "B": 2, "A": 3}})");
        QCOMPARE(e.where(), std::string("m.json: parameters"));
        QCOMPARE(e.detail(), std::string("duplicate key \"A\""));
        e = errorOf(R"({"x": 1, "x": 1})");
        QCOMPARE(e.where(), std::string("m.json"));
        e = errorOf(R"({"list": [{"k": 0}, {"k": 1, "k": 2}]})");
        QCOMPARE(e.where(), std::string("m.json: list[1]"));
        e = errorOf(R"({"": 0, "": 1})");
        QCOMPARE(e.detail(), std::string("duplicate key \"\""));
    }

    void overflowNamesTheFieldPath() {
        sd::Error e = errorOf(R"({"parameters": {"A": {"shape": [1, 2], "data": [0.5, 1e309]}}})");
        QCOMPARE(e.where(), std::string("m.json: parameters.A.data[1]"));
        QVERIFY2(e.detail().find("1e309") != std::string::npos && e.detail().find("out of range") != std::string::npos, e.what());
        e = errorOf(R"([[1, 2], [3, -1e400]])");
        QCOMPARE(e.where(), std::string("m.json: [1][1]"));
        e = errorOf("1e999");
        QCOMPARE(e.where(), std::string("m.json"));
    }

    void syntaxErrorsNameTheByte() {
        const sd::Error e = errorOf("{\"a\": [1, 2,]}");
        QVERIFY2(e.where().rfind("m.json: byte ", 0) == 0, e.what());
        QVERIFY2(e.detail().find("invalid JSON") != std::string::npos, e.what());
        QVERIFY(errorOf("{} trailing").where().rfind("m.json: byte", 0) == 0);
        QVERIFY(errorOf("").where().rfind("m.json: byte", 0) == 0);
    }

    void indicesAreIntegersThatFitAnInt() {
        QCOMPARE(sd::jsonIndex(json(0), "x"), 0);
        QCOMPARE(sd::jsonIndex(json(7u), "x"), 7);
        QCOMPARE(sd::jsonIndex(json(2147483647LL), "x"), 2147483647);
        // 1e36 and 2^31 used to reach json::get<int>: a conversion with no defined result (fuzz finding).
        for (const json& bad : {json(-1), json(2.5), json(1e36), json(2147483648LL), json(4294967296u), json("3"),
                                json(nullptr), json::array({1})}) {
            try {
                sd::jsonIndex(bad, "s.json: splits.train[0]");
                QFAIL(("accepted " + bad.dump()).c_str());
            } catch (const sd::Error& e) {
                QCOMPARE(e.where(), std::string("s.json: splits.train[0]"));
                QVERIFY2(e.detail().find("expected an index") != std::string::npos, e.what());
            }
        }
    }

    void filesAreNamedByPath() {
        try {
            sd::readJsonFileStrict("/nonexistent/file.json");
            QFAIL("no error");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.what()).find("/nonexistent/file.json") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "test_json_reader.moc"
