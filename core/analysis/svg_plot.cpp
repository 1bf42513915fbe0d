#include "core/analysis/svg_plot.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <algorithm>
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
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// One axis' mapping from data to pixels (log axes map log10 of the value).
struct Scale {
    bool log = false;
    double lo = 0, hi = 1;        // in mapped units (log10 for log axes)
    double p0 = 0, p1 = 1;        // pixels of lo and hi
    bool drawable(double v) const { return std::isfinite(v) && (!log || v > 0); }
    double map(double v) const { return log ? std::log10(v) : v; }
    double px(double v) const { return p0 + (map(v) - lo) / (hi - lo) * (p1 - p0); }
};

// Fraction of a data-derived axis range added beyond the extreme values.
constexpr double kDataPad = 0.04;

// The range of an axis from the values it shows; explicit min/max win; a degenerate range is widened. A side
// taken from the data is padded by `pad` of the range, so a marker at the extreme value is drawn whole instead
// of half outside the frame (decade-rounded log axes are padded by the rounding).
Scale makeScale(const PlotAxis& axis, const std::vector<double>& values, bool roundDecades, double pad) {
    Scale s;
    s.log = axis.log;
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (s.drawable(v)) {
            lo = std::min(lo, s.map(v));
            hi = std::max(hi, s.map(v));
        }
    const bool fixedLo = std::isfinite(axis.min) && s.drawable(axis.min);
    const bool fixedHi = std::isfinite(axis.max) && s.drawable(axis.max);
    if (fixedLo) lo = s.map(axis.min);
    if (fixedHi) hi = s.map(axis.max);
    if (!std::isfinite(lo)) { lo = 0; hi = 1; }
    if (hi == lo) { lo -= 0.5; hi += 0.5; }
    if (s.log && roundDecades) {
        lo = std::floor(lo);
        hi = std::ceil(hi);
        if (hi == lo) hi += 1;
    } else {
        const double margin = pad * (hi - lo);
        if (!fixedLo) lo -= margin;
        if (!fixedHi) hi += margin;
    }
    s.lo = lo;
    s.hi = hi;
    return s;
}

std::vector<std::pair<double, std::string>> ticksOf(const PlotAxis& axis, const Scale& s) {
    if (!axis.ticks.empty()) return axis.ticks;
    std::vector<std::pair<double, std::string>> out;
    if (s.log) {
        const int a = static_cast<int>(std::ceil(s.lo - 1e-9)), b = static_cast<int>(std::floor(s.hi + 1e-9));
        const int step = std::max(1, (b - a + 5) / 6);
        for (int e = a; e <= b; e += step) out.push_back({std::pow(10.0, e), "1e" + std::to_string(e)});
        return out;
    }
    for (double t : niceTicks(s.lo, s.hi)) out.push_back({t, num(t)});
    return out;
}

void marker(std::ostringstream& svg, MarkerShape shape, double x, double y, const std::string& color) {
    const double r = 4;
    switch (shape) {
        case MarkerShape::None: return;
        case MarkerShape::Disc: svg << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"" << r << "\" fill=\"" << color << "\"/>"; break;
        case MarkerShape::Circle:
            svg << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"" << r << "\" fill=\"white\" stroke=\"" << color << "\" stroke-width=\"1.5\"/>";
            break;
        case MarkerShape::Square:
            svg << "<rect x=\"" << num(x - r) << "\" y=\"" << num(y - r) << "\" width=\"" << 2 * r << "\" height=\"" << 2 * r << "\" fill=\"" << color << "\"/>";
            break;
        case MarkerShape::Triangle:
            svg << "<polygon points=\"" << num(x) << "," << num(y - r - 1) << " " << num(x - r) << "," << num(y + r) << " " << num(x + r) << ","
                << num(y + r) << "\" fill=\"" << color << "\"/>";
            break;
        case MarkerShape::Cross:
            svg << "<line x1=\"" << num(x - r) << "\" y1=\"" << num(y - r) << "\" x2=\"" << num(x + r) << "\" y2=\"" << num(y + r) << "\" stroke=\""
                << color << "\" stroke-width=\"2\"/><line x1=\"" << num(x - r) << "\" y1=\"" << num(y + r) << "\" x2=\"" << num(x + r) << "\" y2=\""
                << num(y - r) << "\" stroke=\"" << color << "\" stroke-width=\"2\"/>";
            break;
    }
    svg << "\n";
}

// Dark text on the bright end of viridis, white on the dark end.
bool brightCell(double t) { return t > 0.6; }

}  // namespace

std::string renderSvg(const PlotModel& m, int width, int height) {
    for (const auto& s : m.series)
        if (s.x.size() != s.y.size()) throw Error("svg plot", "series '" + s.label + "' has x and y of different lengths");
    const bool heat = m.heatMap && m.heatMap->nx > 0 && m.heatMap->ny > 0;
    std::vector<double> xs, ys, y2s;
    for (const auto& s : m.series)
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            xs.push_back(s.x[i]);
            (s.rightAxis ? y2s : ys).push_back(s.y[i]);
            if (i < s.yError.size() && std::isfinite(s.yError[i])) {
                (s.rightAxis ? y2s : ys).push_back(s.y[i] + s.yError[i]);
                (s.rightAxis ? y2s : ys).push_back(s.y[i] - s.yError[i]);
            }
            if (i < s.xError.size() && std::isfinite(s.xError[i])) {
                xs.push_back(s.x[i] + s.xError[i]);
                xs.push_back(s.x[i] - s.xError[i]);
            }
        }
    bool anyPoint = heat;
    {
        Scale tx, ty, ty2;
        tx.log = m.x.log;
        ty.log = m.y.log;
        ty2.log = m.y2.log;
        for (const auto& s : m.series)
            for (std::size_t i = 0; i < s.x.size(); ++i)
                anyPoint = anyPoint || (tx.drawable(s.x[i]) && (s.rightAxis ? ty2 : ty).drawable(s.y[i]));
    }
    if (!anyPoint && m.message.empty()) throw Error("svg plot", "no drawable points");

    const bool right = m.usesRightAxis();
    const bool legend = m.legend && !m.series.empty();
    const double left = 80, top = 40, bottom = 60;
    const double rightMargin = (legend ? 200 : 30) + (right ? 60 : 0) + (heat ? 90 : 0);
    const double pw = width - left - rightMargin, ph = height - top - bottom;
    Scale sx, sy, sy2;
    if (heat) {
        PlotAxis ax = m.x, ay = m.y;
        ax.log = ay.log = false;
        sx = makeScale(ax, {-0.5, m.heatMap->nx - 0.5}, false, 0.0);   // cells fill the frame
        sy = makeScale(ay, {-0.5, m.heatMap->ny - 0.5}, false, 0.0);
    } else {
        sx = makeScale(m.x, xs, false, kDataPad);
        sy = makeScale(m.y, ys, true, kDataPad);
    }
    sy2 = makeScale(m.y2, y2s, true, kDataPad);
    sx.p0 = left;
    sx.p1 = left + pw;
    for (Scale* s : {&sy, &sy2}) {
        s->p0 = top + ph;
        s->p1 = top;
    }

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << escape(m.title) << "</text>\n";
    if (!anyPoint) {
        svg << "<text x=\"" << width / 2 << "\" y=\"" << height / 2 << "\" text-anchor=\"middle\" fill=\"#666\">" << escape(m.message) << "</text>\n</svg>\n";
        return svg.str();
    }

    // ---- heat map ----
    if (heat) {
        const HeatMap& h = *m.heatMap;
        double lo = INFINITY, hi = -INFINITY;
        auto cval = [&](double v) { return h.logColor ? std::log10(v) : v; };
        for (double v : h.values)
            if (std::isfinite(v) && (!h.logColor || v > 0)) {
                lo = std::min(lo, cval(v));
                hi = std::max(hi, cval(v));
            }
        if (std::isfinite(h.colorMin) && (!h.logColor || h.colorMin > 0)) lo = cval(h.colorMin);
        if (std::isfinite(h.colorMax) && (!h.logColor || h.colorMax > 0)) hi = cval(h.colorMax);
        svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph << "\" fill=\"#d4d4d8\"/>\n";
        const double cw = pw / h.nx, ch = ph / h.ny;
        for (int j = 0; j < h.ny; ++j)
            for (int i = 0; i < h.nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j * h.nx + i);
                const double v = h.values[k];
                const double x0 = sx.px(i - 0.5), y0 = sy.px(j + 0.5);
                const double cx = x0 + cw / 2, cy = y0 + ch / 2;
                const bool masked = !(std::isfinite(v) && (!h.logColor || v > 0));
                const double t = masked || !(hi > lo) ? 0.5 : (cval(v) - lo) / (hi - lo);
                if (!masked)
                    svg << "<rect x=\"" << num(x0) << "\" y=\"" << num(y0) << "\" width=\"" << num(cw) << "\" height=\"" << num(ch) << "\" fill=\""
                        << viridisHex(t) << "\"/>\n";
                const std::string text = masked ? "×" : (k < h.cellText.size() ? h.cellText[k] : std::string());
                const std::string sub = masked && k < h.maskText.size() ? h.maskText[k] : std::string();
                const std::string color = masked ? "#b91c1c" : brightCell(t) ? "#141414" : "white";
                if (!text.empty())
                    svg << "<text x=\"" << num(cx) << "\" y=\"" << num(cy + (sub.empty() ? 4 : 0)) << "\" text-anchor=\"middle\" fill=\"" << color
                        << "\"" << (masked ? " font-weight=\"bold\" font-size=\"15\"" : "") << ">" << escape(text) << "</text>\n";
                if (!sub.empty())
                    svg << "<text x=\"" << num(cx) << "\" y=\"" << num(cy + 15) << "\" text-anchor=\"middle\" fill=\"" << color << "\">" << escape(sub)
                        << "</text>\n";
            }
        // Colour bar with its own ticks (decades on a log scale).
        if (hi > lo || std::isfinite(lo)) {
            if (!(hi > lo)) { hi = lo + 1; }
            const double bx = left + pw + 25, bw = 16;
            const int steps = 48;
            for (int s = 0; s < steps; ++s) {
                const double y0 = top + ph * (1.0 - double(s + 1) / steps);
                svg << "<rect x=\"" << bx << "\" y=\"" << num(y0) << "\" width=\"" << bw << "\" height=\"" << num(ph / steps + 0.5) << "\" fill=\""
                    << viridisHex((s + 0.5) / steps) << "\"/>";
            }
            svg << "\n<rect x=\"" << bx << "\" y=\"" << top << "\" width=\"" << bw << "\" height=\"" << ph << "\" fill=\"none\" stroke=\"black\"/>\n";
            const std::vector<double> ct = h.logColor ? niceTicks(std::pow(10.0, lo), std::pow(10.0, hi), true) : niceTicks(lo, hi);
            for (double t : ct) {
                const double y = top + ph * (1.0 - (cval(t) - lo) / (hi - lo));
                if (y < top - 0.5 || y > top + ph + 0.5) continue;
                svg << "<line x1=\"" << bx + bw << "\" y1=\"" << num(y) << "\" x2=\"" << bx + bw + 4 << "\" y2=\"" << num(y) << "\" stroke=\"black\"/><text x=\""
                    << bx + bw + 7 << "\" y=\"" << num(y + 4) << "\">" << num(t) << "</text>\n";
            }
            svg << "<text transform=\"translate(" << num(bx + bw + 62) << "," << num(top + ph / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
                << escape(h.colorLabel) << (h.logColor ? " (log)" : "") << "</text>\n";
        }
    }

    // ---- frame and axes ----
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph << "\" fill=\"none\" stroke=\"black\"/>\n";
    for (const auto& [t, label] : ticksOf(heat ? PlotAxis{m.x.label, false, m.x.ticks} : m.x, sx)) {
        if (!sx.drawable(t)) continue;
        const double x = sx.px(t);
        if (x < left - 0.5 || x > left + pw + 0.5) continue;
        svg << "<line x1=\"" << num(x) << "\" y1=\"" << top + ph << "\" x2=\"" << num(x) << "\" y2=\"" << top + ph + 5
            << "\" stroke=\"black\"/><text x=\"" << num(x) << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">" << escape(label) << "</text>\n";
    }
    auto yTicks = [&](const PlotAxis& axis, const Scale& s, bool rightSide) {
        for (const auto& [t, label] : ticksOf(heat && !rightSide ? PlotAxis{axis.label, false, axis.ticks} : axis, s)) {
            if (!s.drawable(t)) continue;
            const double y = s.px(t);
            if (y < top - 0.5 || y > top + ph + 0.5) continue;
            if (rightSide)
                svg << "<line x1=\"" << left + pw << "\" y1=\"" << num(y) << "\" x2=\"" << left + pw + 5 << "\" y2=\"" << num(y)
                    << "\" stroke=\"black\"/><text x=\"" << left + pw + 8 << "\" y=\"" << num(y + 4) << "\">" << escape(label) << "</text>\n";
            else
                svg << "<line x1=\"" << left - 5 << "\" y1=\"" << num(y) << "\" x2=\"" << (heat ? left : left + pw) << "\" y2=\"" << num(y)
                    << "\" stroke=\"" << (heat ? "black" : "#ddd") << "\"/><text x=\"" << left - 8 << "\" y=\"" << num(y + 4)
                    << "\" text-anchor=\"end\">" << escape(label) << "</text>\n";
        }
    };
    yTicks(m.y, sy, false);
    if (right) {
        yTicks(m.y2, sy2, true);
        svg << "<text transform=\"translate(" << num(left + pw + 55) << "," << top + ph / 2 << ") rotate(90)\" text-anchor=\"middle\">"
            << escape(m.y2.label) << (m.y2.log ? " (log)" : "") << "</text>\n";
    }
    svg << "<text x=\"" << left + pw / 2 << "\" y=\"" << height - 15 << "\" text-anchor=\"middle\">" << escape(m.x.label)
        << (m.x.log && !heat ? " (log)" : "") << "</text>\n";
    svg << "<text transform=\"translate(18," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">" << escape(m.y.label)
        << (m.y.log && !heat ? " (log)" : "") << "</text>\n";

    // ---- series ----
    const double legendX = left + pw + (right ? 75 : 15) + (heat ? 90 : 0);
    int row = 0;
    for (const auto& s : m.series) {
        const Scale& ys_ = s.rightAxis ? sy2 : sy;
        const std::string dash = s.dashed ? " stroke-dasharray=\"6,4\"" : "";
        if (s.line) {
            std::string d;
            bool pen = false;
            for (std::size_t i = 0; i < s.x.size(); ++i) {
                if (!sx.drawable(s.x[i]) || !ys_.drawable(s.y[i])) { pen = false; continue; }
                d += (pen ? " L" : " M") + num(sx.px(s.x[i])) + "," + num(ys_.px(s.y[i]));
                pen = true;
            }
            svg << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.5\"" << dash << "/>\n";
        }
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!sx.drawable(s.x[i]) || !ys_.drawable(s.y[i])) continue;
            const double px = sx.px(s.x[i]), py = ys_.px(s.y[i]);
            if (i < s.yError.size() && std::isfinite(s.yError[i]) && s.yError[i] > 0) {
                const double a = s.y[i] - s.yError[i], b = s.y[i] + s.yError[i];
                const double pa = ys_.drawable(a) ? ys_.px(a) : top + ph, pb = ys_.px(b);
                svg << "<line x1=\"" << num(px) << "\" y1=\"" << num(pa) << "\" x2=\"" << num(px) << "\" y2=\"" << num(pb) << "\" stroke=\"" << s.color
                    << "\" stroke-width=\"1\"/><line x1=\"" << num(px - 3) << "\" y1=\"" << num(pb) << "\" x2=\"" << num(px + 3) << "\" y2=\"" << num(pb)
                    << "\" stroke=\"" << s.color << "\"/><line x1=\"" << num(px - 3) << "\" y1=\"" << num(pa) << "\" x2=\"" << num(px + 3) << "\" y2=\""
                    << num(pa) << "\" stroke=\"" << s.color << "\"/>\n";
            }
            if (i < s.xError.size() && std::isfinite(s.xError[i]) && s.xError[i] > 0) {
                const double a = s.x[i] - s.xError[i], b = s.x[i] + s.xError[i];
                const double pa = sx.drawable(a) ? sx.px(a) : left, pb = sx.px(b);
                svg << "<line x1=\"" << num(pa) << "\" y1=\"" << num(py) << "\" x2=\"" << num(pb) << "\" y2=\"" << num(py) << "\" stroke=\"" << s.color
                    << "\" stroke-width=\"1\"/><line x1=\"" << num(pa) << "\" y1=\"" << num(py - 3) << "\" x2=\"" << num(pa) << "\" y2=\"" << num(py + 3)
                    << "\" stroke=\"" << s.color << "\"/><line x1=\"" << num(pb) << "\" y1=\"" << num(py - 3) << "\" x2=\"" << num(pb) << "\" y2=\""
                    << num(py + 3) << "\" stroke=\"" << s.color << "\"/>\n";
            }
            marker(svg, s.marker, px, py, s.color);
            if (i < s.pointLabels.size() && !s.pointLabels[i].empty())
                svg << "<text x=\"" << num(px + 6) << "\" y=\"" << num(py - 6) << "\" font-size=\"10\" fill=\"#333\">" << escape(s.pointLabels[i]) << "</text>\n";
        }
        if (legend) {
            const double ly = top + 10 + 18 * row++;
            if (s.line)
                svg << "<line x1=\"" << legendX << "\" y1=\"" << ly << "\" x2=\"" << legendX + 25 << "\" y2=\"" << ly << "\" stroke=\"" << s.color
                    << "\" stroke-width=\"2\"" << dash << "/>";
            marker(svg, s.marker, legendX + 12.5, ly, s.color);
            svg << "<text x=\"" << legendX + 31 << "\" y=\"" << ly + 4 << "\">" << escape(s.label) << "</text>\n";
        }
    }
    for (const auto& mk : m.marks) {
        if (!sx.drawable(mk.x)) continue;
        const double x = sx.px(mk.x);
        const double y = mk.yFraction ? top + ph * (1.0 - mk.y) : (sy.drawable(mk.y) ? sy.px(mk.y) : top + ph);
        std::istringstream lines(mk.text);
        std::string line;
        double dy = 0;
        while (std::getline(lines, line)) {
            svg << "<text x=\"" << num(x) << "\" y=\"" << num(y + dy) << "\" text-anchor=\"middle\" fill=\"" << mk.color << "\">" << escape(line) << "</text>\n";
            dy += 13;
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

void writeSvg(const std::filesystem::path& path, const PlotModel& model, int width, int height) {
    writeFileAtomic(path, renderSvg(model, width, height));
}

std::string renderSvgLinePlot(const std::vector<SvgSeries>& series, const SvgPlotOptions& o) {
    PlotModel m;
    m.title = o.title;
    m.x.label = o.xLabel;
    m.y.label = o.yLabel;
    m.y.log = o.logY;
    for (const auto& s : series) {
        if (s.x.size() != s.y.size()) throw Error("svg plot", "series '" + s.label + "' has x and y of different lengths");
        PlotSeries p;
        p.label = s.label;
        p.x.assign(s.x.data(), s.x.data() + s.x.size());
        p.y.assign(s.y.data(), s.y.data() + s.y.size());
        p.color = s.color;
        p.dashed = s.dashed;
        p.marker = MarkerShape::None;
        m.series.push_back(std::move(p));
    }
    return renderSvg(m, o.width, o.height);
}

void writeSvgLinePlot(const std::filesystem::path& path, const std::vector<SvgSeries>& series, const SvgPlotOptions& options) {
    writeFileAtomic(path, renderSvgLinePlot(series, options));
}

}  // namespace sd::analysis
