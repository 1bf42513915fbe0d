// SvgLinePlot: one path per series, NaN / non-positive-in-log points break the line (a new "M"), labels are
// escaped, malformed series are refused, and markers at the data's extremes are drawn whole inside the frame.
#include "core/analysis/svg_plot.h"
#include "core/common/error.h"

#include <QtTest>

#include <limits>
#include <regex>

using namespace sd::analysis;

namespace {
int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}
/// The d attribute of the index-th data path (series are drawn in order).
std::string pathData(const std::string& svg, int index) {
    const std::regex re("<path d=\"([^\"]*)\"");
    auto it = std::sregex_iterator(svg.begin(), svg.end(), re);
    for (int i = 0; i < index; ++i) ++it;
    return (*it)[1].str();
}
}  // namespace

class TestSvgPlot : public QObject {
    Q_OBJECT

private slots:
    void oneBrokenPathPerSeries() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        SvgSeries a{"a < b & c", Eigen::VectorXd::LinSpaced(5, 0, 4), Eigen::VectorXd::LinSpaced(5, 1, 5)};
        SvgSeries b{"gap", Eigen::VectorXd::LinSpaced(5, 0, 4), Eigen::VectorXd::LinSpaced(5, 1, 5)};
        b.y[2] = nan;
        const std::string svg = renderSvgLinePlot({a, b}, {"title", "t", "e", false});
        QCOMPARE(count(svg, "<path d="), 2);
        QCOMPARE(count(pathData(svg, 0), "M"), 1);   // continuous
        QCOMPARE(count(pathData(svg, 0), "L"), 4);
        QCOMPARE(count(pathData(svg, 1), "M"), 2);   // broken at the NaN
        QCOMPARE(count(pathData(svg, 1), "L"), 2);
        QVERIFY(svg.find("a &lt; b &amp; c") != std::string::npos);
        QVERIFY(svg.find("a < b") == std::string::npos);
    }

    void logScaleSkipsNonPositiveValues() {
        SvgSeries s{"s", Eigen::VectorXd::LinSpaced(4, 0, 3), Eigen::Vector4d(1e-3, 0.0, 1e-1, 10.0)};
        const std::string svg = renderSvgLinePlot({s}, {"", "", "", true});
        QCOMPARE(count(pathData(svg, 0), "M"), 2);
        QVERIFY(svg.find("1e-3") != std::string::npos);   // decade ticks from 1e-3 to 1e1
        QVERIFY(svg.find("1e1") != std::string::npos);
    }

    void malformedSeriesAreRefused() {
        SvgSeries bad{"bad", Eigen::VectorXd::Zero(3), Eigen::VectorXd::Zero(2)};
        QVERIFY_THROWS_EXCEPTION(sd::Error, renderSvgLinePlot({bad}, {}));
        SvgSeries empty{"nan", Eigen::Vector2d(0, 1), Eigen::Vector2d(std::nan(""), std::nan(""))};
        QVERIFY_THROWS_EXCEPTION(sd::Error, renderSvgLinePlot({empty}, {}));
    }

    void markersAtTheExtremesAreDrawnInsideTheFrame() {
        // A scatter of three models (log x, linear y): the points at the smallest and largest x and y must sit
        // at least a marker's radius inside the frame, or half of each is cut off by the axes.
        PlotModel m;
        m.x.log = true;
        m.legend = false;
        PlotSeries s;
        s.x = {8.6, 36.9, 232.0};
        s.y = {0.33, 0.19, 0.25};
        s.line = false;
        m.series = {s};
        const std::string svg = renderSvg(m, 800, 500);
        const std::regex frameRe("<rect x=\"([0-9.]+)\" y=\"([0-9.]+)\" width=\"([0-9.]+)\" height=\"([0-9.]+)\" fill=\"none\" stroke=\"black\"/>");
        std::smatch frame;
        QVERIFY(std::regex_search(svg, frame, frameRe));
        const double left = std::stod(frame[1]), top = std::stod(frame[2]);
        const double right = left + std::stod(frame[3]), bottom = top + std::stod(frame[4]);
        const std::regex circleRe("<circle cx=\"([-0-9.]+)\" cy=\"([-0-9.]+)\" r=\"([0-9.]+)\"");
        int circles = 0;
        for (auto it = std::sregex_iterator(svg.begin(), svg.end(), circleRe); it != std::sregex_iterator(); ++it, ++circles) {
            const double cx = std::stod((*it)[1]), cy = std::stod((*it)[2]), r = std::stod((*it)[3]);
            QVERIFY2(cx - r >= left && cx + r <= right, ("marker at x pixel " + std::to_string(cx)).c_str());
            QVERIFY2(cy - r >= top && cy + r <= bottom, ("marker at y pixel " + std::to_string(cy)).c_str());
        }
        QCOMPARE(circles, 3);
    }
};

QTEST_GUILESS_MAIN(TestSvgPlot)
#include "test_svg_plot.moc"
