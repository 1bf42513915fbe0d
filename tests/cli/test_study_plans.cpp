// The papers' plans under studies/: every one parses and passes the checks against the real plugins and the
// studies' extensions (metric kinds, transforms, report) before anyone spends hours on it; every alias points
// at one; and the operator-inference (r, λ) sweep masks exactly the unstable cells — run through the engine on
// a small quadratic problem, its report writing the grid JSON.
#include "core/common/atomic_file.h"
#include "core/data/dataset_json.h"
#include "core/experiment/cells.h"
#include "core/experiment/local_runner.h"
#include "core/experiment/plan_check.h"
#include "core/experiment/report.h"
#include "studies/study_registry.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sd::experiment;
using nlohmann::json;
namespace fs = std::filesystem;

class TestStudyPlans : public QObject {
    Q_OBJECT
    sd::model::PluginHost host_;
    Extensions ext_ = Extensions::builtins();
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        host_.scan();
        for (const char* id : {"stable-opinf", "lyapunov-net", "ren", "vae-latent"}) QVERIFY2(host_.find(id), id);
        sd::studies::registerStudies(ext_);
    }

    void everyShippedPlanChecks() {
        const fs::path dir = sd::studies::studiesDirectory();
        QVERIFY2(fs::is_directory(dir), dir.c_str());
        int plans = 0;
        for (const auto& e : fs::recursive_directory_iterator(dir)) {
            if (e.path().extension() != ".json") continue;
            ++plans;
            try {
                const ExperimentPlan plan = readPlanFile(e.path());
                const auto cells = checkPlan(plan, host_, ext_);
                QVERIFY(!cells.empty());
                QVERIFY2(!plan.report.study.empty(), e.path().c_str());
            } catch (const std::exception& err) {
                QFAIL(err.what());
            }
        }
        QVERIFY(plans >= 8);
        for (const auto& a : sd::studies::studyAliases()) QVERIFY2(fs::exists(dir / a.plan), a.plan.c_str());
        QVERIFY(sd::studies::findStudyAlias("opinf-sweep"));
        QVERIFY(!sd::studies::findStudyAlias("nope"));
    }

    void lambdaRankSweepMasksUnstableCells() {
        // The shipped sweep on Example I (noise-free, exact derivatives): POD ranks 2 and 3 of 3 states, λ from 0 to 100.
        ExperimentPlan plan = readPlanFile(sd::studies::studiesDirectory() / "stable_opinf/lambda_rank_sweep.json");
        json j = planToJson(plan);
        j["datasets"] = {{{"name", "example1"}, {"generate", "quadratic"}, {"params", {{"preset", "example1"}, {"samples", 1001}}}, {"seed", 77}}};
        j["axes"][0]["values"] = {2, 3};
        j["axes"][1]["values"] = {0, 1e-2, 1, 100};
        plan = parsePlan(j.dump(), "sweep.json");
        const fs::path out = fs::path(tmp_.path().toStdString()) / "sweep";
        std::atomic<bool> cancel{false};
        RunOptions options;
        options.outputDir = out;
        options.jobs = 2;
        const RunSummary s = runPlan(plan, host_, ext_, options, cancel);
        QCOMPARE(s.progress.done, 8);
        const ResultTable table = loadResults(plan, out);
        int unstable = 0;
        for (const auto& g : table.groups()) {
            const double e = table.statistic(g, "validation.score").mean;
            QVERIFY(std::isfinite(table.statistic(g, "spectrum.spectral_abscissa").mean));
            if (!std::isfinite(e)) {
                ++unstable;
                QCOMPARE(table.missingReason(g, "validation.score"), std::string("diverged"));
            }
        }
        // r = 3, λ = 0 is the exact system: stable, and the error is that of interpolating the square-wave input
        // linearly between samples (about 0.5 %; 2 % allowed).
        const double exact = table.statistic(table.groups()[4], "validation.score").mean;
        QVERIFY2(exact < 2e-2, qPrintable(QString::number(exact)));
        StudyReportInput in{table, out, out / "report", &host_, &ext_};
        fs::create_directories(in.reportDir);
        const json grid = (*ext_.studyReport("opinf-lambda-rank"))(in);
        QCOMPARE(grid["error"].size(), std::size_t(2));
        QCOMPARE(grid["error"][0].size(), std::size_t(4));
        int masked = 0;
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t k = 0; k < 4; ++k) {
                QCOMPARE(grid["error"][i][k].is_null(), !grid["stable"][i][k].get<bool>());
                masked += grid["stable"][i][k].get<bool>() ? 0 : 1;
            }
        QCOMPARE(masked, unstable);
        QVERIFY(grid["energy"][1].get<double>() > grid["energy"][0].get<double>());
        QVERIFY(std::abs(grid["energy"][1].get<double>() - 1.0) < 1e-12);   // r = n keeps all energy
        QCOMPARE(grid["best"]["rank"].get<int>(), 3);
        QVERIFY(fs::exists(out / "report" / "lambda_rank_sweep.json"));
        qInfo("sweep: %s", grid["error"].dump().c_str());
    }

    void renIdentificationReportShowsSeedSpread() {
        // The Wiener–Hammerstein seed plan shrunk to a tiny input/output dataset, two models and two seeds: the
        // report gives mean ± std over the seeds and draws them as error bars on a log sensitivity axis.
        sd::data::Dataset ds;
        ds.name = "tiny-io";
        ds.inputNames = {"u"};
        ds.outputNames = {"y"};
        ds.dt = 1.0;
        for (int k = 0; k < 2; ++k) {
            sd::data::Trajectory tr;
            tr.id = k == 0 ? "train" : "test";
            tr.t = Eigen::VectorXd::LinSpaced(240, 0.0, 239.0);
            tr.u = (0.1 * (k + 1) * tr.t.transpose().array()).sin().matrix();
            tr.y = tr.u.array().tanh().matrix() + 0.1 * tr.u;
            ds.trajectories.push_back(tr);
        }
        ds.splits = {{"train", {0}}, {"test", {1}}};
        const fs::path out = fs::path(tmp_.path().toStdString()) / "ren";
        fs::create_directories(out);
        sd::data::saveDatasetJson(out / "tiny.json", ds);

        json j = planToJson(readPlanFile(sd::studies::studiesDirectory() / "ren/wh_seeds.json"));
        j["datasets"] = {{{"name", "tiny-io"}, {"file", (out / "tiny.json").string()}}};
        j["fixed"].update({{"nx", 2}, {"nv", 4}, {"epochs", 2}, {"seq_len", 32}, {"sensitivity_iterations", 3},
                           {"sensitivity_length", 40}});
        j["axes"][0]["values"] = {j["axes"][0]["values"][0], j["axes"][0]["values"][3]};   // contracting, lipschitz:2
        j["seeds"] = {1, 2};
        const ExperimentPlan plan = parsePlan(j.dump(), "ren_seeds.json");
        std::atomic<bool> cancel{false};
        RunOptions options;
        options.outputDir = out / "run";
        options.jobs = 2;
        QCOMPARE(runPlan(plan, host_, ext_, options, cancel).progress.done, 4);
        StudyReportInput in{loadResults(plan, options.outputDir), options.outputDir, out / "report", &host_, &ext_};
        fs::create_directories(in.reportDir);
        const json report = (*ext_.studyReport("ren-identification"))(in);
        QCOMPARE(report["results"].size(), std::size_t(2));
        for (const auto& row : report["results"]) {
            QCOMPARE(row["seeds_with_value"].get<int>(), 2);
            QVERIFY2(row["test_nrmse_std"].is_number() && row["test_nrmse_std"].get<double>() > 0, row.dump().c_str());
            QVERIFY2(row["observed_sensitivity_std"].is_number(), row.dump().c_str());
        }
        const std::string svg = sd::readFile(out / "report" / "nrmse_vs_sensitivity.svg");
        QVERIFY(svg.find("Lipschitz RENs") != std::string::npos);
        QVERIFY(svg.find("(log)") != std::string::npos);
        QVERIFY2(svg.find("stroke-width=\"1\"/><line") != std::string::npos, "no error bar drawn");   // a bar and its cap
    }
};

QTEST_GUILESS_MAIN(TestStudyPlans)
#include "test_study_plans.moc"
