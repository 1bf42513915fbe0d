#include "app/studio/certificate_view.h"

#include "app/studio/latest_job.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStringList>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

namespace sd::studio {

namespace {

QString scalarText(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number_integer()) return QString::number(v.get<long long>());
    if (v.is_number()) return QString::number(v.get<double>(), 'g', 6);
    if (v.is_string()) return QString::fromStdString(v.get<std::string>()).toHtmlEscaped();
    if (v.is_null()) return "–";
    return {};
}

// A short array of scalars inline with each number to 6 significant digits ("[2.70448, 5.79687]", never
// 17-digit dumps that wrap mid-number); a long or nested one by its size.
QString arrayText(const nlohmann::json& v) {
    if (v.size() > 12) return QString("array of %1 entries").arg(v.size());
    QStringList parts;
    for (const auto& e : v) {
        if (e.is_structured()) return QString("array of %1 entries").arg(v.size());
        parts << scalarText(e);
    }
    return "[" + parts.join(", ") + "]";
}

QString prettyKey(const std::string& key) {
    QString k = QString::fromStdString(key);
    k.replace('_', ' ');
    if (!k.isEmpty()) k[0] = k[0].toUpper();
    return k.toHtmlEscaped();
}

// Scalars as table rows; small numeric arrays inline; objects as nested tables.
QString tableOf(const nlohmann::json& obj, int depth) {
    QString rows;
    for (const auto& [key, v] : obj.items()) {
        if (depth == 0 && key == "eigenvalues") continue;   // plotted beside the text
        QString value;
        if (v.is_object()) value = depth < 3 ? tableOf(v, depth + 1) : QString::fromStdString(v.dump()).toHtmlEscaped();
        else if (v.is_array()) value = arrayText(v);
        else value = scalarText(v);
        rows += QString("<tr><td style='padding-right:14px; color:#374151'>%1</td><td><b>%2</b></td></tr>").arg(prettyKey(key), value);
    }
    return "<table cellspacing='2'>" + rows + "</table>";
}

QString checksTable(const std::vector<model::CertificateCheck>& checks) {
    if (checks.empty()) return {};
    auto number = [](const std::optional<double>& v) { return v ? QString::number(*v, 'g', 6) : QString("–"); };
    QString rows = "<tr><th></th><th align='left'>check</th><th align='right'>value</th><th align='right'>limit</th></tr>";
    for (const auto& c : checks)
        rows += QString("<tr><td style='color:%1'><b>%2</b></td><td style='padding-right:14px'>%3</td><td align='right'>%4</td>"
                        "<td align='right'>%5</td></tr>")
                    .arg(c.passed ? "#15803d" : "#b91c1c", c.passed ? "✔" : "✘", QString::fromStdString(c.name).toHtmlEscaped(),
                         number(c.value), number(c.limit));
    return "<h4>Checks</h4><table cellspacing='2'>" + rows + "</table>";
}

}  // namespace

QString certificateHtml(const model::Certificate& c, const QString& modelLabel) {
    const QString badge = c.verified
        ? "<span style='background:#15803d; color:white; padding:2px 8px;'>&nbsp;✔ VERIFIED&nbsp;</span>"
        : "<span style='background:#b91c1c; color:white; padding:2px 8px;'>&nbsp;✘ NOT VERIFIED&nbsp;</span>";
    QString html = QString("<h3>Stability certificate %1</h3>").arg(badge);
    if (!modelLabel.isEmpty()) html += QString("<p style='color:#6b7280'>Model: %1</p>").arg(modelLabel.toHtmlEscaped());
    html += QString("<p style='font-size:12pt'>%1</p>").arg(QString::fromStdString(c.guarantee).toHtmlEscaped());
    html += QString("<p style='color:#6b7280'>Guarantee kind: %1</p>").arg(QString::fromStdString(model::toString(c.kind)));
    html += checksTable(c.checks);
    html += "<h4>Numbers</h4>" + tableOf(c.details, 0);
    return html;
}

CertificateView::CertificateView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    job_ = new LatestJob(this);
    auto* layout = new QVBoxLayout(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    text_ = new QTextBrowser(splitter);
    text_->setObjectName("certificateText");
    text_->setHtml("<p style='color:#6b7280'>Train or import a model to see what it guarantees.</p>");
    eigenPlot_ = new QCustomPlot(splitter);
    eigenPlot_->setObjectName("eigenvaluePlot");
    stylePlot(eigenPlot_);
    eigenPlot_->xAxis->setLabel("Re λ");
    eigenPlot_->xAxis->ticker()->setTickCount(4);   // the plot is narrow: fewer, readable ticks
    eigenPlot_->yAxis->setLabel("Im λ");
    setPlotMessage(eigenPlot_, "No eigenvalues in this certificate.");
    splitter->addWidget(text_);
    splitter->addWidget(eigenPlot_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter);
    // The raw JSON is copied, not shown: laid out as text it cost the GUI thread more than the rest of the
    // tab at every training snapshot (hundreds of lines for a REN's eigenvalues).
    auto* buttons = new QHBoxLayout;
    copyJson_ = new QPushButton("Copy raw certificate JSON", this);
    copyJson_->setObjectName("copyCertificateJson");
    copyJson_->setToolTip("The certificate exactly as `stabledyn certify` prints it, to the clipboard.");
    copyJson_->setEnabled(false);
    connect(copyJson_, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(rawJson_); });
    buttons->addWidget(copyJson_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(context_, &StudioContext::modelChanged, this, &CertificateView::refresh);
}

QString CertificateView::html() const { return text_->toHtml(); }

void CertificateView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!refreshPending_) return;
    refreshPending_ = false;
    refresh();
}

void CertificateView::refresh() {
    // Certificates can be costly (dense samples, rollouts): computed off the GUI thread, only when shown.
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    if (!model) return;
    const QString label = context_->modelLabel();
    // The certificate, its HTML and its JSON text are all made in the worker; the GUI thread only shows them.
    job_->submit([model, label](const CancelToken&) {
                     Rendered r;
                     r.certificate = model->certify();
                     r.html = certificateHtml(r.certificate, label);
                     r.rawJson = QString::fromStdString(r.certificate.toJson().dump(2));
                     return r;
                 },
                 [this](Rendered r) { display(r); },
                 [this](const QString& error) {
                     shownHtml_.clear();
                     text_->setHtml(QString("<p style='color:#b91c1c'>The certificate could not be computed: %1</p>").arg(error.toHtmlEscaped()));
                 });
}

void CertificateView::display(const Rendered& r) {
    const model::Certificate& cert = r.certificate;
    rawJson_ = r.rawJson;
    copyJson_->setEnabled(true);
    if (r.html != shownHtml_) {   // an unchanged certificate is not laid out again
        // Keep the reader's scroll position while snapshots refresh the text during training.
        const int scroll = text_->verticalScrollBar()->value();
        text_->setHtml(r.html);
        text_->verticalScrollBar()->setValue(scroll);
        shownHtml_ = r.html;
    }

    eigenPlot_->clearPlottables();
    eigenvalueCount_ = 0;
    // The eigenvalue plot takes room only when the certificate carries eigenvalues.
    eigenPlot_->setVisible(!cert.eigenvalues.empty());
    if (cert.eigenvalues.empty()) {
        setPlotMessage(eigenPlot_, "No eigenvalues in this certificate.");
        emit certificateShown();
        return;
    }
    auto* points = new QCPCurve(eigenPlot_->xAxis, eigenPlot_->yAxis);
    points->setLineStyle(QCPCurve::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(QColor(29, 78, 216), 2), Qt::NoBrush, 10));
    points->setName("eigenvalues");
    double reMin = -1, reMax = 0.2, imMax = 1;
    int k = 0;
    for (const auto& e : cert.eigenvalues) {
        const double re = e.real(), im = e.imag();
        points->addData(k++, re, im);
        reMin = std::min(reMin, re);
        reMax = std::max(reMax, re);
        imMax = std::max(imMax, std::abs(im));
    }
    eigenvalueCount_ = k;
    auto* boundary = new QCPCurve(eigenPlot_->xAxis, eigenPlot_->yAxis);
    boundary->setPen(QPen(QColor(220, 38, 38), 1.2, Qt::DashLine));
    if (!cert.discreteTime) {
        boundary->setName("stability boundary Re λ = 0");
        boundary->addData(0, 0, -1.2 * imMax);
        boundary->addData(1, 0, 1.2 * imMax);
    } else {
        boundary->setName("unit circle");
        for (int i = 0; i <= 128; ++i) boundary->addData(i, std::cos(2 * M_PI * i / 128), std::sin(2 * M_PI * i / 128));
        reMin = std::min(reMin, -1.1);
        reMax = std::max(reMax, 1.1);
        imMax = std::max(imMax, 1.1);
    }
    eigenPlot_->legend->setVisible(true);
    const double pad = 0.1 * (reMax - reMin);
    eigenPlot_->xAxis->setRange(reMin - pad, reMax + pad);
    eigenPlot_->yAxis->setRange(-1.2 * imMax, 1.2 * imMax);
    // Equal scales, so the unit circle is a circle: the (tall, narrow) plot widens its y range to match x.
    if (eigenPlot_->axisRect()->width() > 0 && eigenPlot_->axisRect()->height() > 0)
        eigenPlot_->yAxis->setScaleRatio(eigenPlot_->xAxis, 1.0);
    setPlotMessage(eigenPlot_, {});
    eigenPlot_->replot(QCustomPlot::rpQueuedReplot);
    emit certificateShown();
}

}  // namespace sd::studio
