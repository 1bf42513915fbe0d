// Model files that were edited after export: certificates recomputed, never trusted (docs/RELIABILITY.md,
// "Certificates and model files"). Every case starts from a freshly exported model, writes a tampered copy and
// runs the CLI on it: a redundant tensor that disagrees with its factors is refused naming the field; a
// hand-written certificate changes nothing; a configuration that voids a guarantee says so; overflowing
// numbers, duplicate keys and impossible shapes get an error naming the file and field.
#include "cli_runner.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

using Run = sd::test::CliRun;
using sd::test::runCli;

json readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return json();
    return json::parse(f.readAll().toStdString());
}

void writeText(const QString& path, const std::string& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text.data(), static_cast<qint64>(text.size()));
}

/// A failed run: exit status 1 and every fragment in stderr, and never an "internal error".
bool failsWith(const Run& r, const QStringList& fragments) {
    if (r.exitCode != 1 || r.err.contains("internal error")) return false;
    for (const auto& f : fragments)
        if (!r.err.contains(f)) return false;
    return true;
}

}  // namespace

class TestModelFiles : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }
    QString opinf_, opinfLs_, lyap_;

    /// The certificate `stabledyn certify` prints for a file.
    json certify(const QString& file) {
        const Run r = runCli({"certify", "--model", file});
        if (r.exitCode != 0) qWarning("%s", qPrintable(r.err));
        return r.exitCode == 0 ? r.parsed()["certificate"] : json();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        opinf_ = path("opinf.json");
        opinfLs_ = path("opinf-ls.json");
        lyap_ = path("lyap.json");
        Run r = runCli({"train", "--plugin", "stable-opinf", "--data", "quadratic-example1", "--set", "variant=stable",
                        "--set", "epochs=3", "--set", "check_trajectories=1", "--seed", "1", "--out", opinf_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"train", "--plugin", "stable-opinf", "--data", "quadratic-example1", "--out", opinfLs_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"train", "--plugin", "lyapunov-net", "--data", "demo-pendulum", "--set", "epochs=0", "--set",
                    "fhat_hidden=[8,8]", "--set", "v_hidden=[6]", "--seed", "2", "--out", lyap_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    // B1: the field uses the stored A and H, the certificate the factors S, L_R, T: they must agree.
    void opinfOperatorsThatDisagreeWithTheirFactorsAreRefused() {
        const json original = certify(opinf_);
        QVERIFY(original["verified"].get<bool>());
        json doc = readJson(opinf_);
        const auto r = doc["parameters"]["A"]["shape"][0].get<std::size_t>();
        for (std::size_t i = 0; i < r; ++i) doc["parameters"]["A"]["data"][i * r + i] = doc["parameters"]["A"]["data"][i * r + i].get<double>() + 1.0;  // A += I
        writeText(path("opinf-a.json"), doc.dump());
        for (const char* command : {"certify", "simulate"}) {
            QStringList args{command, "--model", path("opinf-a.json")};
            if (QString(command) == "simulate") args << "--x0" << "1,0,0" << "--input" << "0";
            const Run run = runCli(args);
            QVERIFY2(failsWith(run, {"opinf-a.json: parameters.A", "does not match", "S, L_R", "max rel diff"}), qPrintable(run.err));
        }
        // Rounding-level differences (the tolerance is 1e-10 relative) are accepted and kept bit-for-bit.
        doc = readJson(opinf_);
        double& a00 = doc["parameters"]["A"]["data"][0].get_ref<double&>();
        a00 += 1e-14 * std::max(1.0, std::abs(a00));
        writeText(path("opinf-rounding.json"), doc.dump());
        QVERIFY(certify(path("opinf-rounding.json"))["verified"].get<bool>());

        doc = readJson(opinf_);
        doc["parameters"]["H"]["data"][1] = doc["parameters"]["H"]["data"][1].get<double>() + 0.5;
        writeText(path("opinf-h.json"), doc.dump());
        const Run h = runCli({"certify", "--model", path("opinf-h.json")});
        QVERIFY2(failsWith(h, {"opinf-h.json: parameters.H", "does not match", "from T"}), qPrintable(h.err));
    }

    // B1, least squares: the eigenvalues reported are those of the A that evaluation uses.
    void leastSquaresEigenvaluesFollowTheStoredA() {
        const json before = certify(opinfLs_);
        json doc = readJson(opinfLs_);
        const auto r = doc["parameters"]["A"]["shape"][0].get<std::size_t>();
        for (std::size_t i = 0; i < r; ++i) doc["parameters"]["A"]["data"][i * r + i] = doc["parameters"]["A"]["data"][i * r + i].get<double>() + 5.0;
        writeText(path("opinf-ls-a.json"), doc.dump());
        const json after = certify(path("opinf-ls-a.json"));
        const double shift = after["max_real_eigenvalue"].get<double>() - before["max_real_eigenvalue"].get<double>();
        QVERIFY2(std::abs(shift - 5.0) < 1e-8, qPrintable(QString::number(shift)));
        QVERIFY(!after["verified"].get<bool>());
    }

    // B2: nothing in a file's "certificate" object reaches the output of certify.
    void aHandWrittenCertificateChangesNothing() {
        for (const QString& file : {opinf_, opinfLs_, lyap_}) {
            const json original = certify(file);
            QVERIFY(original.is_object());
            json doc = readJson(file);
            doc["certificate"] = {{"guarantee", "forged"}, {"verified", true}, {"kind", "bibs"}, {"checks", json::array()},
                                  {"simulation_check", {{"all_satisfied", true}, {"forged", true}}}, {"alpha", 123.0}};
            const QString forged = file + ".forged.json";
            writeText(forged, doc.dump());
            const json cert = certify(forged);
            QCOMPARE(cert.dump(), original.dump());
            QVERIFY(cert.dump().find("forged") == std::string::npos);
        }
        // The stable model's simulation check is recomputed by certify (the one made after training on data is a
        // log in the training record).
        const json cert = certify(opinf_);
        QVERIFY2(cert["simulation_check"]["note"].get<std::string>().find("recomputed") != std::string::npos, cert.dump().c_str());
        QVERIFY(cert["simulation_check"]["all_satisfied"].get<bool>());
        QVERIFY(readJson(opinf_)["training"]["simulation_check"].is_object());
    }

    // B3: a model with inputs on data without input channels.
    void evalWithoutTheModelsInputsFails() {
        std::string csv = "t,x1,x2,x3\n";
        for (int k = 0; k < 50; ++k) csv += std::to_string(0.1 * k) + ",0.1,0.2,0.3\n";
        writeText(path("no-inputs.csv"), csv);
        const Run r = runCli({"eval", "--model", opinf_, "--data", path("no-inputs.csv"), "--csv-time", "t", "--csv-states", "x1,x2,x3"});
        QVERIFY2(failsWith(r, {"has 0 input channels", "the model expects 1"}), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    // B4: numbers that overflow a double name the file and the field.
    void overflowingNumbersNameFileAndField() {
        std::string text = readJson(lyap_).dump();
        const std::string key = "\"fhat.0.weight\":{\"data\":[";
        const auto at = text.find(key);
        QVERIFY(at != std::string::npos);
        const auto start = at + key.size();
        text.replace(start, text.find(',', start) - start, "1e309");
        writeText(path("lyap-overflow.json"), text);
        const Run r = runCli({"certify", "--model", path("lyap-overflow.json")});
        QVERIFY2(failsWith(r, {"lyap-overflow.json: parameters.fhat.0.weight.data[0]", "1e309", "out of range"}), qPrintable(r.err));

        const Run set = runCli({"train", "--plugin", "lyapunov-net", "--data", "demo-pendulum", "--set", "alpha=1e309", "--out", path("x.json")});
        QVERIFY2(failsWith(set, {"--set alpha", "out of range"}), qPrintable(set.err));
        QVERIFY(!QFile::exists(path("x.json")));
    }

    // B5: a duplicated key is refused, naming the file, the object and the key.
    void duplicateKeysAreRefused() {
        std::string text = readJson(opinf_).dump();
        const auto at = text.find("\"parameters\":{");
        QVERIFY(at != std::string::npos);
        text.insert(at + std::string("\"parameters\":{").size(), "\"A\":{\"shape\":[1,1],\"data\":[0]},");
        writeText(path("opinf-dup.json"), text);
        const Run r = runCli({"certify", "--model", path("opinf-dup.json")});
        QVERIFY2(failsWith(r, {"opinf-dup.json: parameters", "duplicate key \"A\""}), qPrintable(r.err));
        // The same reader serves datasets.
        writeText(path("dup-data.json"), R"({"format": "stabledyn-dataset", "format": "x"})");
        const Run d = runCli({"eval", "--model", lyap_, "--data", path("dup-data.json")});
        QVERIFY2(failsWith(d, {"dup-data.json", "duplicate key \"format\""}), qPrintable(d.err));
    }

    // Errors from a model file name the file.
    void modelFileErrorsNameTheFile() {
        json doc = readJson(lyap_);
        doc["schema_version"] = 999;
        writeText(path("future.json"), doc.dump());
        const Run r = runCli({"certify", "--model", path("future.json")});
        QVERIFY2(failsWith(r, {"future.json: schema_version: unsupported version 999"}), qPrintable(r.err));
        // Errors found by the plugin (not the envelope) too.
        doc = readJson(lyap_);
        doc["parameters"]["fhat.0.weight"]["shape"] = {3, 3};
        writeText(path("shape.json"), doc.dump());
        const Run s = runCli({"simulate", "--model", path("shape.json"), "--x0", "1,1"});
        QVERIFY2(failsWith(s, {"shape.json: parameters.fhat.0.weight.shape"}), qPrintable(s.err));
        doc = readJson(lyap_);
        doc["hyperparameters"]["alpha"] = "fast";
        writeText(path("hyper.json"), doc.dump());
        const Run h = runCli({"certify", "--model", path("hyper.json")});
        QVERIFY2(failsWith(h, {"hyper.json", "alpha"}), qPrintable(h.err));
    }

    // B6: proj_denominator_eps > 0 voids the decrease guarantee by construction; the certificate says so.
    void relaxedProjectionSaysSo() {
        QVERIFY(certify(lyap_)["by_construction"].get<bool>());
        json doc = readJson(lyap_);
        doc["hyperparameters"]["proj_denominator_eps"] = 0.1;
        writeText(path("lyap-relaxed.json"), doc.dump());
        const json cert = certify(path("lyap-relaxed.json"));
        QVERIFY(!cert["by_construction"].get<bool>());
        const std::string g = cert["guarantee"].get<std::string>();
        QVERIFY2(g.rfind("NOT guaranteed by construction", 0) == 0, g.c_str());
        const Run plugins = runCli({"plugins"});
        QVERIFY2(plugins.out.contains("proj_denominator_eps"), "the plugin description names the exception");
    }
};

QTEST_GUILESS_MAIN(TestModelFiles)
#include "test_model_files.moc"
