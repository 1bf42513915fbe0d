// CSV reader and CSV → Dataset loader: malformed input (each error names file:line:column), the real
// WH and F-16 benchmark files, preview, and a bit-exact round trip.
#include "core/data/csv.h"
#include "core/data/hashing.h"
#include "data_test_util.h"
#include "test_support.h"

using namespace sd::data;
using sd::test::writeText;

class TestCsv : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    static CsvMapping xyMapping() {
        CsvMapping m;
        m.time = ColumnRef::byName("t");
        m.states = {ColumnRef::byName("x")};
        m.inputs = {ColumnRef::byName("u")};
        return m;
    }

private slots:
    void csvFieldQuotesOnlyWhatNeedsItAndReadsBack() {
        QCOMPARE(csvField("plain name"), std::string("plain name"));
        QCOMPARE(csvField("a,b"), std::string("\"a,b\""));
        QCOMPARE(csvField("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField("two\nlines"), std::string("\"two lines\""));
        // The reader takes the written cells back as they were (line breaks as spaces).
        const std::vector<std::string> names = {"plain", "a,b", "say \"hi\"", "two\r\nlines", "x;y"};
        std::string header;
        for (const auto& n : names) header += (header.empty() ? "" : ",") + csvField(n);
        const CsvTable table = CsvTable::parse(header + "\n1,2,3,4,5\n", "fields.csv");
        QCOMPARE(table.columnNames(), (std::vector<std::string>{"plain", "a,b", "say \"hi\"", "two  lines", "x;y"}));
    }

    void basicLoadWithTimeColumn() {
        const auto p = writeText(dir_, "ok.csv", "t,x,u\n0,1,2\n0.5,3,4\n1.0,5,6\n");
        const Dataset ds = loadCsv(p, xyMapping());
        QCOMPARE(ds.trajectories.size(), std::size_t(1));
        const auto& tr = ds.trajectories[0];
        QCOMPARE(tr.t.size(), Eigen::Index(3));
        QCOMPARE(tr.x.rows(), Eigen::Index(1));
        QCOMPARE(tr.x(0, 2), 5.0);
        QCOMPARE(tr.u(0, 1), 4.0);
        QCOMPARE(ds.stateNames, std::vector<std::string>{"x"});
        QCOMPARE(ds.dt, 0.5);
        QCOMPARE(ds.sha256, sha256File(p));
    }

    void quotedHeaderTrailingDelimiterAndBlankLine() {
        const auto p = writeText(dir_, "q.csv", "\"Force\",\"Acc\",\"Fs\",\r\n1,2,400,\r\n3,4,,\r\n5,6,,\r\n\r\n");
        CsvMapping m;
        m.inputs = {ColumnRef::byName("Force")};
        m.outputs = {ColumnRef::byName("Acc")};
        m.dt = 0.0025;
        const Dataset ds = loadCsv(p, m);
        QCOMPARE(ds.trajectories[0].samples(), Eigen::Index(3));
        QCOMPARE(ds.trajectories[0].t(2), 0.005);
        QCOMPARE(ds.inputNames, std::vector<std::string>{"Force"});
        const CsvTable table = CsvTable::read(p);
        QCOMPARE(table.columnCount(), std::size_t(3));   // trailing empty column dropped
        QCOMPARE(*table.firstValue(2), 400.0);
    }

    void trajectoryIdColumnGroupsRows() {
        const auto p = writeText(dir_, "ids.csv", "run,t,x\nA,0,1\nB,0,10\nA,1,2\nB,1,20\nB,2,30\n");
        CsvMapping m;
        m.trajectoryId = ColumnRef::byName("run");
        m.time = ColumnRef::byName("t");
        m.states = {ColumnRef::byName("x")};
        const Dataset ds = loadCsv(p, m);
        QCOMPARE(ds.trajectories.size(), std::size_t(2));
        QCOMPARE(ds.trajectories[0].id, std::string("A"));
        QCOMPARE(ds.trajectories[1].samples(), Eigen::Index(3));
        QCOMPARE(ds.trajectories[1].x(0, 2), 30.0);
    }

    void raggedRowNamesLineAndColumn() {
        const auto p = writeText(dir_, "ragged.csv", "t,x,u\n0,1,2\n1,2\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "ragged.csv:3:3", "ragged row", "expected 3 fields", "found 2");
        const auto p2 = writeText(dir_, "ragged2.csv", "t,x,u\n0,1,2\n1,2,3,4\n");
        SD_EXPECT_ERROR(loadCsv(p2, xyMapping()), "ragged2.csv:3:4", "found 4");
    }

    void nonNumericCell() {
        const auto p = writeText(dir_, "text.csv", "t,x,u\n0,1,2\n1,abc,3\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "text.csv:3:2", "column \"x\"", "expected a number", "\"abc\"");
    }

    void nanAndInfCells() {
        const auto p = writeText(dir_, "nan.csv", "t,x,u\n0,1,2\n1,NaN,3\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "nan.csv:3:2", "finite", "NaN");
        const auto p2 = writeText(dir_, "inf.csv", "t,x,u\n0,1,2\n1,2,-inf\n");
        SD_EXPECT_ERROR(loadCsv(p2, xyMapping()), "inf.csv:3:3", "finite");
    }

    void emptyCellInUsedColumn() {
        const auto p = writeText(dir_, "blank.csv", "t,x,u\n0,1,2\n1,,3\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "blank.csv:3:2", "empty cell");
    }

    void missingColumns() {
        const auto p = writeText(dir_, "missing.csv", "t,x\n0,1\n1,2\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "missing.csv", "missing column \"u\"", "\"t\", \"x\"");
        CsvMapping m;
        m.states = {ColumnRef::byIndex(5)};
        m.dt = 1;
        SD_EXPECT_ERROR(loadCsv(p, m), "missing.csv", "missing column #6");
    }

    void emptyFileAndHeaderOnly() {
        const auto p = writeText(dir_, "empty.csv", "");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "empty.csv", "empty file");
        const auto p2 = writeText(dir_, "header.csv", "t,x,u\n\n");
        SD_EXPECT_ERROR(loadCsv(p2, xyMapping()), "header.csv", "no data rows");
        SD_EXPECT_ERROR(loadCsv(dir_.filePath("nope.csv").toStdString(), xyMapping()), "nope.csv", "not found");
    }

    void nonIncreasingTime() {
        const auto p = writeText(dir_, "time.csv", "t,x,u\n0,1,2\n1,2,3\n1,3,4\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "time.csv:4:1", "strictly increasing");
    }

    void blankLineInsideData() {
        const auto p = writeText(dir_, "gap.csv", "t,x,u\n0,1,2\n\n1,2,3\n");
        SD_EXPECT_ERROR(loadCsv(p, xyMapping()), "gap.csv:3:1", "blank line");
    }

    void noTimeNoDt() {
        const auto p = writeText(dir_, "nodt.csv", "x\n1\n2\n");
        CsvMapping m;
        m.states = {ColumnRef::byName("x")};
        SD_EXPECT_ERROR(loadCsv(p, m), "nodt.csv", "dt > 0");
    }

    void firstRowOnlyColumnCannotBeMapped() {
        const auto p = writeText(dir_, "fs.csv", "x,fs\n1,400\n2,\n");
        CsvMapping m;
        m.states = {ColumnRef::byName("fs")};
        m.dt = 1;
        SD_EXPECT_ERROR(loadCsv(p, m), "fs.csv:3:2", "empty cell", "first data row");
    }

    void semicolonDelimiterAutoDetectInPeek() {
        const auto p = writeText(dir_, "semi.csv", "time;a;b\n0;1;x\n1;2;y\n");
        const CsvPreview pv = peekCsv(p);
        QCOMPARE(pv.delimiter, ';');
        QCOMPARE(pv.columns.size(), std::size_t(3));
        QCOMPARE(pv.columns[2].kind, CsvColumnSummary::Kind::Text);
        QCOMPARE(*pv.suggestedTimeColumn, std::size_t(0));
    }

    void defaultMappingGuessesTimeTrajectoryAndStates() {
        // Time and trajectory columns by name (any case), text columns and d/dt… columns are not states.
        const auto p = writeText(dir_, "guess.csv", "Time,RUN,x,label,D/dt x,y\n0,1,1,a,0,2\n1,1,2,b,0,3\n");
        const CsvMapping m = defaultCsvMapping(peekCsv(p));
        QCOMPARE(m.delimiter, ',');
        QVERIFY(m.time && m.time->index == 0);
        QVERIFY(m.trajectoryId && m.trajectoryId->index == 1);
        QCOMPARE(m.states.size(), std::size_t(2));
        QCOMPARE(m.states[0].index, 2);
        QCOMPARE(m.states[1].index, 5);
        const Dataset ds = loadCsv(p, m);
        QCOMPARE(ds.stateNames, (std::vector<std::string>{"x", "y"}));
        QCOMPARE(ds.trajectories.size(), std::size_t(1));
        // Without a time column the samples are one time unit apart.
        const auto q = writeText(dir_, "notime.csv", "a,b\n1,2\n3,4\n");
        const CsvMapping n = defaultCsvMapping(peekCsv(q));
        QVERIFY(!n.time && !n.trajectoryId);
        QCOMPARE(n.dt, 1.0);
        QCOMPARE(n.states.size(), std::size_t(2));
    }

    void roundTripIsBitExact() {
        Dataset ds;
        ds.stateNames = {"q", "p"};
        ds.inputNames = {"force"};
        ds.outputNames = {"pos"};
        ds.dt = 0.013;
        for (int k = 0; k < 2; ++k) {
            Trajectory tr;
            tr.id = "run " + std::to_string(k);
            tr.t = Eigen::VectorXd::LinSpaced(7, 0.1, 0.1 + 6 * 0.013);
            tr.x = Eigen::MatrixXd::Random(2, 7) * 1e3;
            tr.u = Eigen::MatrixXd::Random(1, 7) / 3.0;
            tr.y = Eigen::MatrixXd::Random(1, 7) * 1e-7;
            tr.dxdt = Eigen::MatrixXd::Random(2, 7);
            ds.trajectories.push_back(tr);
        }
        const auto p = std::filesystem::path(dir_.path().toStdString()) / "round.csv";
        const CsvMapping m = saveCsv(p, ds);
        const Dataset back = loadCsv(p, m);
        QCOMPARE(back.trajectories.size(), std::size_t(2));
        QCOMPARE(back.stateNames, ds.stateNames);
        QCOMPARE(back.inputNames, ds.inputNames);
        for (std::size_t i = 0; i < 2; ++i) {
            const auto &a = ds.trajectories[i], &b = back.trajectories[i];
            QCOMPARE(b.id, a.id);
            QVERIFY(a.t == b.t);
            QVERIFY(a.x == b.x);
            QVERIFY(a.u == b.u);
            QVERIFY(a.y == b.y);
            QVERIFY(a.dxdt == b.dxdt);
        }
        QVERIFY(std::abs(back.dt - ds.dt) < 1e-15);   // mean step of the time column
        Dataset same = back;
        same.dt = ds.dt;
        QCOMPARE(sha256Dataset(same), sha256Dataset(ds));
    }

    void realWienerHammerstein() {
        SD_REQUIRE_SHARED_FILE(path, "wiener_hammerstein/WH_MultisineFadeOut.csv");
        const CsvTable table = CsvTable::read(path);
        QCOMPARE(table.columnCount(), std::size_t(7));   // r_a r_b u_a u_b y_a y_b fs
        QCOMPARE(table.rowCount(), std::size_t(8192));
        QCOMPARE(*table.firstValue(6), 78125.0);
        CsvMapping a;
        a.inputs = {ColumnRef::byIndex(0), ColumnRef::byIndex(2)};
        a.outputs = {ColumnRef::byIndex(4)};
        a.dt = 1.0 / 78125.0;
        const auto trajA = trajectoriesFromCsv(table, a, "a");
        QCOMPARE(trajA[0].u.rows(), Eigen::Index(2));
        QCOMPARE(trajA[0].u.cols(), Eigen::Index(8192));
        QCOMPARE(trajA[0].u(0, 0), 3.8685);
        QCOMPARE(trajA[0].u(1, 0), 0.22491);
        QCOMPARE(trajA[0].y(0, 0), 0.10038);
        const CsvPreview pv = peekCsv(path, 5);
        QCOMPARE(pv.columns[6].kind, CsvColumnSummary::Kind::FirstRowOnly);
        QCOMPARE(pv.columns[1].label, std::string("#2"));
        QCOMPARE(pv.totalRows, std::size_t(8192));
    }

    void realF16Level1() {
        SD_REQUIRE_SHARED_FILE(path, "f16/F16Data_FullMSine_Level1.csv");
        CsvMapping m;
        m.inputs = {ColumnRef::byName("Force"), ColumnRef::byName("Voltage")};
        m.outputs = {ColumnRef::byName("Acceleration1"), ColumnRef::byName("Acceleration2"),
                     ColumnRef::byName("Acceleration3")};
        m.dt = 1.0 / 400.0;
        const Dataset ds = loadCsv(path, m);
        QCOMPARE(ds.trajectories.size(), std::size_t(1));
        QCOMPARE(ds.trajectories[0].samples(), Eigen::Index(73728));
        QCOMPARE(ds.inputDim(), Eigen::Index(2));
        QCOMPARE(ds.outputDim(), Eigen::Index(3));
        QCOMPARE(ds.trajectories[0].u(0, 0), 0.95714);
        QCOMPARE(ds.trajectories[0].y(2, 1), -0.027533);
        QCOMPARE(ds.sha256, std::string("b72a9d063e392570bb20c26f4763232e30262e5914d946e475e67df40880db6d"));
    }
};

QTEST_APPLESS_MAIN(TestCsv)
#include "test_csv.moc"
