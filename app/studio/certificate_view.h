#pragma once
// CertificateView — the "Certificate" tab: the model's typed certificate (Model::certify()) made readable
// (a verified / not-verified badge, the guarantee sentence and kind, the checks with their values and
// limits, the plugin's numbers as table rows with nested objects below), a button copying the raw JSON, and the
// certificate's eigenvalues in the complex plane (with the stability boundary: the imaginary axis for
// continuous-time eigenvalues, the unit circle for discrete-time ones).
#include "app/studio/exportable_view.h"
#include "core/model/certificate.h"

#include <QWidget>

class QPushButton;
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
    /// The raw certificate JSON the copy button puts on the clipboard ("" before the first certificate).
    QString rawJson() const { return rawJson_; }
    int eigenvalueCount() const { return eigenvalueCount_; }

signals:
    void certificateShown();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();
    struct Rendered {
        model::Certificate certificate;
        QString html, rawJson;
    };
    void display(const Rendered& rendered);

    StudioContext* context_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;
    QTextBrowser* text_ = nullptr;
    QPushButton* copyJson_ = nullptr;
    QString rawJson_, shownHtml_;
    QCustomPlot* eigenPlot_ = nullptr;
    int eigenvalueCount_ = 0;
};

/// The HTML summary of a certificate (exposed for tests).
QString certificateHtml(const model::Certificate& certificate, const QString& modelLabel);

}  // namespace sd::studio
