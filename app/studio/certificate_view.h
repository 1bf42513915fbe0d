#pragma once
// CertificateView — the "Certificate" tab: the model's certificate() JSON made readable (a verified /
// not-verified badge, the guarantee sentence, every scalar as a table row, nested objects below), the raw
// JSON for copying, and the eigenvalues in the complex plane when the certificate has an "eigenvalues"
// array of [re, im] pairs (with the stability boundary: the imaginary axis for continuous-time models, the
// unit circle for discrete-time ones).
#include "app/studio/exportable_view.h"

#include <QWidget>

class QTextBrowser;

namespace sd::model {
class Model;
}

namespace sd::studio {

class LatestJob;
class StudioContext;

class CertificateView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit CertificateView(StudioContext* context, QWidget* parent = nullptr);
    QCustomPlot* exportablePlot() override { return eigenPlot_; }
    QString html() const;
    int eigenvalueCount() const { return eigenvalueCount_; }

signals:
    void certificateShown();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();
    void display(const model::Model& model, const nlohmann::json& certificate, const QString& label);

    StudioContext* context_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;
    QTextBrowser* text_ = nullptr;
    QCustomPlot* eigenPlot_ = nullptr;
    int eigenvalueCount_ = 0;
};

/// The HTML summary of a certificate (exposed for tests).
QString certificateHtml(const nlohmann::json& certificate, const QString& modelLabel);

}  // namespace sd::studio
