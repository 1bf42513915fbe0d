#pragma once
// TimeSeriesView — the "Time series" tab: the model's prediction of one trajectory (integrated from its
// first sample with its inputs) against the data, every state/output channel, with the NRMSE per channel
// (RMSE divided by the standard deviation of the true channel). Divergence is flagged.
#include "app/studio/exportable_view.h"

#include <Eigen/Core>
#include <QWidget>
#include <limits>

class QComboBox;
class QLabel;

namespace sd::studio {

class LatestJob;
class StudioContext;

class TimeSeriesView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit TimeSeriesView(StudioContext* context, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;
    void selectTrajectory(int index);
    /// Mean NRMSE over the channels of the last prediction (NaN if none).
    double lastNrmse() const { return lastNrmse_; }
    QString metricText() const;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void predictionDrawn();

private:
    void onDatasetChanged();
    void recompute();

    StudioContext* context_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;   // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    QComboBox* trajectory_ = nullptr;
    QLabel* metric_ = nullptr;
    int generation_ = 0;
    double lastNrmse_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace sd::studio
