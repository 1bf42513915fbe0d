#include "app/studio/sweep_plot.h"

#include "app/studio/plot_style.h"

#include <cmath>

namespace sd::studio {

using analysis::MarkerShape;
using analysis::PlotModel;

namespace {

const QColor kMaskedCell(212, 212, 216);
const QColor kMaskedMark(185, 28, 28);

QCPScatterStyle scatterOf(MarkerShape shape, const QColor& color) {
    switch (shape) {
        case MarkerShape::None: return QCPScatterStyle(QCPScatterStyle::ssNone);
        case MarkerShape::Disc: return QCPScatterStyle(QCPScatterStyle::ssDisc, color, 7);
        case MarkerShape::Circle: return QCPScatterStyle(QCPScatterStyle::ssCircle, color, Qt::white, 8);
        case MarkerShape::Cross: return QCPScatterStyle(QCPScatterStyle::ssCross, color, 10);
        case MarkerShape::Triangle: return QCPScatterStyle(QCPScatterStyle::ssTriangle, color, color, 8);
        case MarkerShape::Square: return QCPScatterStyle(QCPScatterStyle::ssSquare, color, color, 7);
    }
    return {};
}

void setupAxis(QCPAxis* axis, const analysis::PlotAxis& a, bool forceLinear = false) {
    axis->setLabel(QString::fromStdString(a.label));
    const bool log = a.log && !forceLinear;
    axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (!a.ticks.empty()) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (const auto& [pos, label] : a.ticks) ticker->addTick(pos, QString::fromStdString(label));
        axis->setTicker(ticker);
    } else if (log) {
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
}

// The axis range from the data (with headroom), unless the model fixes it.
void fitRange(QCPAxis* axis, const analysis::PlotAxis& a, const std::vector<double>& values) {
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (std::isfinite(v) && (!a.log || v > 0)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (std::isfinite(a.min)) lo = a.min;
    if (std::isfinite(a.max)) hi = a.max;
    if (!std::isfinite(lo)) return;
    if (a.log) {
        if (!(hi > lo)) { lo /= 2; hi *= 2; }
        if (!std::isfinite(a.min)) lo /= 1.6;
        if (!std::isfinite(a.max)) hi *= 2.5;   // headroom for the legend
    } else {
        const double pad = hi > lo ? 0.08 * (hi - lo) : std::max(std::abs(hi), 1.0) * 0.5;
        if (!std::isfinite(a.min)) lo -= pad;
        if (!std::isfinite(a.max)) hi += 2 * pad;
    }
    axis->setRange(lo, hi);
}

}  // namespace

QCPColorGradient plotModelGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    const auto& stops = analysis::viridisStops();
    for (std::size_t k = 0; k < stops.size(); ++k) g.setColorStopAt(double(k) / double(stops.size() - 1), QColor::fromRgb(stops[k]));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setNanHandling(QCPColorGradient::nhTransparent);   // masked cells show the grey background
    return g;
}

QCPColorMap* drawPlotModel(QCustomPlot* plot, const PlotModel& m) {
    plot->clearItems();
    plot->clearPlottables();
    // A colour scale from an earlier heat map leaves the layout.
    for (int i = plot->plotLayout()->elementCount() - 1; i >= 0; --i)
        if (auto* scale = qobject_cast<QCPColorScale*>(plot->plotLayout()->elementAt(i))) plot->plotLayout()->remove(scale);
    plot->plotLayout()->simplify();
    plot->axisRect()->setBackground(Qt::white);
    plot->yAxis2->setVisible(false);
    plot->legend->setVisible(false);
    const bool hasContent = (m.heatMap && m.heatMap->nx > 0) || !m.series.empty();
    setPlotMessage(plot, hasContent && m.message.empty() ? QString() : QString::fromStdString(m.message));
    if (!hasContent) {
        plot->replot(QCustomPlot::rpQueuedReplot);
        return nullptr;
    }
    QCPColorMap* map = nullptr;
    if (m.heatMap && m.heatMap->nx > 0 && m.heatMap->ny > 0) {
        const auto& h = *m.heatMap;
        map = new QCPColorMap(plot->xAxis, plot->yAxis);
        map->setInterpolate(false);
        // Cells sit at integer positions; the ticks name the values.
        auto* data = new QCPColorMapData(h.nx, h.ny, QCPRange(0, std::max(1, h.nx - 1)), QCPRange(0, std::max(1, h.ny - 1)));
        if (h.nx == 1) data->setKeyRange(QCPRange(-0.5, 0.5));
        if (h.ny == 1) data->setValueRange(QCPRange(-0.5, 0.5));
        double lo = INFINITY, hi = -INFINITY;
        for (int j = 0; j < h.ny; ++j)
            for (int i = 0; i < h.nx; ++i) {
                const double v = h.at(i, j);
                const bool masked = !(std::isfinite(v) && (!h.logColor || v > 0));
                data->setCell(i, j, masked ? std::numeric_limits<double>::quiet_NaN() : v);
                if (!masked) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        map->setData(data, false);
        auto* scale = new QCPColorScale(plot);
        scale->setType(QCPAxis::atRight);
        plot->plotLayout()->addElement(0, 1, scale);
        map->setColorScale(scale);
        map->setGradient(plotModelGradient());
        // The colour bar is in the metric's own units, logarithmic when the figure is.
        map->setDataScaleType(h.logColor ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        if (h.logColor) scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        if (std::isfinite(lo)) map->setDataRange(QCPRange(lo, hi > lo ? hi : (h.logColor ? lo * 10 : lo + 1)));
        scale->axis()->setLabel(QString::fromStdString(h.colorLabel));
        auto* margins = new QCPMarginGroup(plot);
        plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
        scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
        plot->axisRect()->setBackground(kMaskedCell);
        for (int j = 0; j < h.ny; ++j)
            for (int i = 0; i < h.nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j * h.nx + i);
                const double v = h.at(i, j);
                const bool masked = !(std::isfinite(v) && (!h.logColor || v > 0));
                auto* label = new QCPItemText(plot);
                label->position->setType(QCPItemPosition::ptPlotCoords);
                label->position->setCoords(h.nx == 1 ? 0.0 : i, h.ny == 1 ? 0.0 : j);
                QFont font = plot->font();
                if (masked) {
                    label->setText("×\n" + QString::fromStdString(k < h.maskText.size() ? h.maskText[k] : std::string()));
                    label->setColor(kMaskedMark);
                    font.setBold(true);
                } else {
                    label->setText(QString::fromStdString(k < h.cellText.size() ? h.cellText[k] : std::string()));
                    const double t = hi > lo ? (h.logColor ? std::log(v / lo) / std::log(hi / lo) : (v - lo) / (hi - lo)) : 0.0;
                    label->setColor(t > 0.6 ? QColor(20, 20, 20) : Qt::white);   // dark on the bright end of viridis
                }
                label->setFont(font);
            }
        setupAxis(plot->xAxis, m.x, true);
        setupAxis(plot->yAxis, m.y, true);
        plot->xAxis->setRange(-0.5, h.nx - 0.5);
        plot->yAxis->setRange(-0.5, h.ny - 0.5);
    } else {
        setupAxis(plot->xAxis, m.x);
        setupAxis(plot->yAxis, m.y);
    }

    std::vector<double> xs, ys, y2s;
    for (const auto& s : m.series) {
        const QColor color(QString::fromStdString(s.color));
        QCPAxis* valueAxis = s.rightAxis ? plot->yAxis2 : plot->yAxis;
        auto* graph = plot->addGraph(plot->xAxis, valueAxis);
        graph->setName(QString::fromStdString(s.label));
        QPen pen(color, s.rightAxis ? 1.4 : 1.6, s.dashed ? Qt::DashLine : Qt::SolidLine);
        graph->setPen(pen);
        graph->setLineStyle(s.line ? QCPGraph::lsLine : QCPGraph::lsNone);
        graph->setScatterStyle(scatterOf(s.marker, color));
        QVector<double> keys, values, errors, keyErrors;
        bool anyError = false, anyKeyError = false;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            keys << s.x[i];
            values << s.y[i];
            const double e = i < s.yError.size() && std::isfinite(s.yError[i]) ? s.yError[i] : 0.0;
            errors << e;
            anyError = anyError || e > 0;
            const double ex = i < s.xError.size() && std::isfinite(s.xError[i]) ? s.xError[i] : 0.0;
            keyErrors << ex;
            anyKeyError = anyKeyError || ex > 0;
            xs.push_back(s.x[i] + ex);
            xs.push_back(s.x[i]);
            (s.rightAxis ? y2s : ys).push_back(s.y[i]);
            (s.rightAxis ? y2s : ys).push_back(s.y[i] + e);
            if (i < s.pointLabels.size() && !s.pointLabels[i].empty()) {
                auto* label = new QCPItemText(plot);
                label->setClipAxisRect(plot->axisRect());
                label->position->setAxes(plot->xAxis, valueAxis);
                label->position->setCoords(s.x[i], s.y[i]);
                label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
                label->setText(QString::fromStdString(s.pointLabels[i]));
                label->setColor(QColor(50, 50, 50));
            }
        }
        graph->setData(keys, values);
        if (anyError) {
            auto* bars = new QCPErrorBars(plot->xAxis, valueAxis);
            bars->removeFromLegend();
            bars->setDataPlottable(graph);
            bars->setData(errors);
            bars->setPen(QPen(color, 1.0));
        }
        if (anyKeyError) {
            auto* bars = new QCPErrorBars(plot->xAxis, valueAxis);
            bars->removeFromLegend();
            bars->setErrorType(QCPErrorBars::etKeyError);
            bars->setDataPlottable(graph);
            bars->setData(keyErrors);
            bars->setPen(QPen(color, 1.0));
        }
    }
    if (!map) {
        for (const auto& s : m.series)
            if (!s.rightAxis) xs.insert(xs.end(), s.x.begin(), s.x.end());
        fitRange(plot->xAxis, m.x, xs);
        fitRange(plot->yAxis, m.y, ys);
    }
    if (m.usesRightAxis()) {
        plot->yAxis2->setVisible(true);
        setupAxis(plot->yAxis2, m.y2);
        fitRange(plot->yAxis2, m.y2, y2s);
    }
    for (const auto& mark : m.marks) {
        auto* label = new QCPItemText(plot);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(mark.yFraction ? QCPItemPosition::ptAxisRectRatio : QCPItemPosition::ptPlotCoords);
        label->position->setCoords(mark.x, mark.yFraction ? 1.0 - mark.y : mark.y);
        label->setText(QString::fromStdString(mark.text));
        label->setColor(QColor(QString::fromStdString(mark.color)));
    }
    plot->legend->setVisible(m.legend && !m.series.empty());
    plot->legend->setBrush(QColor(255, 255, 255, 215));   // points behind it stay visible
    plot->replot(QCustomPlot::rpQueuedReplot);
    return map;
}

}  // namespace sd::studio
