#include "core/analysis/svg_plot.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace sd::analysis {

namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out += c;
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

/// About 5 "nice" tick values covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi) {
    const double span = hi - lo;
    const double raw = span / 5.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / mag;
    const double step = (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * mag;
    std::vector<double> t;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) t.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
    return t;
}

}  // namespace

std::string renderSvgLinePlot(const std::vector<SvgSeries>& series, const SvgPlotOptions& o) {
    auto drawable = [&](double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!o.logY || y > 0.0); };
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (const auto& s : series) {
        if (s.x.size() != s.y.size()) throw Error("svg plot", "series '" + s.label + "' has x and y of different lengths");
        for (Eigen::Index i = 0; i < s.x.size(); ++i) {
            if (!drawable(s.x[i], s.y[i])) continue;
            const double y = o.logY ? std::log10(s.y[i]) : s.y[i];
            xmin = std::min(xmin, s.x[i]);
            xmax = std::max(xmax, s.x[i]);
            ymin = std::min(ymin, y);
            ymax = std::max(ymax, y);
        }
    }
    if (!std::isfinite(xmin)) throw Error("svg plot", "no drawable points");
    if (xmax == xmin) { xmin -= 0.5; xmax += 0.5; }
    if (ymax == ymin) { ymin -= 0.5; ymax += 0.5; }
    if (o.logY) { ymin = std::floor(ymin); ymax = std::ceil(ymax); }
    const double left = 80, right = 200, top = 40, bottom = 60;
    const double pw = o.width - left - right, ph = o.height - top - bottom;
    auto X = [&](double x) { return left + (x - xmin) / (xmax - xmin) * pw; };
    auto Y = [&](double y) { return top + (1.0 - (y - ymin) / (ymax - ymin)) * ph; };

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << o.width << "\" height=\"" << o.height
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << o.width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << escape(o.title) << "</text>\n";
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
        << "\" fill=\"none\" stroke=\"black\"/>\n";
    for (double t : niceTicks(xmin, xmax))
        svg << "<line x1=\"" << X(t) << "\" y1=\"" << top + ph << "\" x2=\"" << X(t) << "\" y2=\"" << top + ph + 5
            << "\" stroke=\"black\"/><text x=\"" << X(t) << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">" << num(t) << "</text>\n";
    const std::vector<double> yt = o.logY ? [&] {
        std::vector<double> v;
        for (double e = ymin; e <= ymax + 1e-9; e += std::max(1.0, std::floor((ymax - ymin) / 6.0))) v.push_back(e);
        return v;
    }() : niceTicks(ymin, ymax);
    for (double t : yt)
        svg << "<line x1=\"" << left - 5 << "\" y1=\"" << Y(t) << "\" x2=\"" << left + pw << "\" y2=\"" << Y(t)
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 8 << "\" y=\"" << Y(t) + 4 << "\" text-anchor=\"end\">"
            << (o.logY ? "1e" + num(t) : num(t)) << "</text>\n";
    svg << "<text x=\"" << left + pw / 2 << "\" y=\"" << o.height - 15 << "\" text-anchor=\"middle\">" << escape(o.xLabel) << "</text>\n";
    svg << "<text transform=\"translate(18," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">" << escape(o.yLabel)
        << (o.logY ? " (log)" : "") << "</text>\n";
    int row = 0;
    for (const auto& s : series) {
        std::string d;
        bool pen = false;
        for (Eigen::Index i = 0; i < s.x.size(); ++i) {
            if (!drawable(s.x[i], s.y[i])) { pen = false; continue; }
            d += (pen ? " L" : " M") + num(X(s.x[i])) + "," + num(Y(o.logY ? std::log10(s.y[i]) : s.y[i]));
            pen = true;
        }
        const std::string dash = s.dashed ? " stroke-dasharray=\"6,4\"" : "";
        svg << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.5\"" << dash << "/>\n";
        const double ly = top + 10 + 18 * row++;
        svg << "<line x1=\"" << left + pw + 15 << "\" y1=\"" << ly << "\" x2=\"" << left + pw + 40 << "\" y2=\"" << ly << "\" stroke=\""
            << s.color << "\" stroke-width=\"2\"" << dash << "/><text x=\"" << left + pw + 46 << "\" y=\"" << ly + 4 << "\">"
            << escape(s.label) << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

void writeSvgLinePlot(const std::filesystem::path& path, const std::vector<SvgSeries>& series, const SvgPlotOptions& options) {
    writeFileAtomic(path, renderSvgLinePlot(series, options));
}

}  // namespace sd::analysis
