#pragma once
// CertificateView — the "Certificate" tab: the model's typed certificate (Model::certify()) made readable
// (a verified / not-verified badge, the guarantee sentence and kind, the checks with their values and
// limits, the plugin's numbers as table rows with nested objects below), the raw JSON for copying, and the
// certificate's eigenvalues in the complex plane (with the stability boundary: the imaginary axis for
// continuous-time eigenvalues, the unit circle for discrete-time ones).
#include "app/studio/exportable_view.h"
#include "core/model/certificate.h"

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
    void display(const model::Certificate& certificate, const QString& label);

    StudioContext* context_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;
    QTextBrowser* text_ = nullptr;
    QCustomPlot* eigenPlot_ = nullptr;
    int eigenvalueCount_ = 0;
};

/// The HTML summary of a certificate (exposed for tests).
QString certificateHtml(const model::Certificate& certificate, const QString& modelLabel);

}  // namespace sd::studio
