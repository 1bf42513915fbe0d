#pragma once
// TimeSeriesView — the "Time series" tab (ident's "simulated vs measured"): the current model's prediction
// of one trajectory (integrated from its first sample with its inputs) against the data, one stacked plot
// per chosen channel with a shared time axis, plus the predictions of the models ticked on the board from
// the same start. Per model: mean NRMSE and fit % over all channels; per channel in the tooltip.
//
//  * data in dark grey, the current model in blue, ticked models dashed in their board colours;
//  * channel picker (the first kDefaultChannels are shown; video data has thousands of pixel channels);
//  * optional residual plot (model − data, current model) under the channels;
//  * x-only zoom and pan (wheel/drag), a range slider under the plot, double-click resets;
//  * long records are min/max-decimated to the pixels of the visible range (core/analysis decimation) and
//    re-decimated when the range changes, so a 100 000-sample record stays fast.
// Predictions run on the thread pool (LatestJob), only while the tab is visible. New data clears the tab
// at once; a model that does not fit the data shows the data alone with the reason.
#include "app/studio/exportable_view.h"

#include "core/data/dataset.h"

#include <Eigen/Core>
#include <QWidget>
#include <limits>
#include <vector>

class QCheckBox;
class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QLabel;
class QListWidget;
class QTimer;
class QToolButton;

namespace sd::studio {

class LatestJob;
class ModelBoard;
class RangeSlider;
class StudioContext;

class TimeSeriesView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    static constexpr int kDefaultChannels = 4;

    TimeSeriesView(StudioContext* context, ModelBoard* board, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;
    void selectTrajectory(int index);
    /// Shows exactly these channels (indices into the data's states or outputs).
    void setShownChannels(const std::vector<int>& channels);
    std::vector<int> shownChannels() const;
    void setShowResiduals(bool on);
    /// The x range shown (time), and setting it (as the slider and zoom do).
    void setTimeRange(double lower, double upper);
    double timeLower() const;
    double timeUpper() const;
    /// Mean NRMSE over all channels of the current model's last prediction (NaN if none).
    double lastNrmse() const { return lastNrmse_; }
    /// Mean fit % over all channels of the current model's last prediction (NaN if none).
    double lastFitPercent() const { return lastFit_; }
    /// Mean NRMSE of a ticked board model's last prediction (NaN if none).
    double overlayNrmse(int boardId) const;
    QString metricText() const;
    /// The text over the plot when it shows no prediction ("" when it does).
    QString emptyStateText() const { return emptyText_; }
    /// Points held by the plotted data graph of a shown channel (after decimation).
    int plottedPointCount(int shownIndex) const;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void predictionDrawn();

private:
    struct Series {
        QCPGraph* graph = nullptr;
        std::vector<double> t, v;   ///< full resolution
        /// What the graph's points were decimated for (visible time range, pixel width; −1 = not yet):
        /// a snapshot's redraw re-decimates only the new prediction series, not the unchanged data.
        double decimatedLower = 0, decimatedUpper = 0;
        int decimatedPixels = -1;
    };
    struct Prediction;
    void onDatasetChanged();
    void rebuildChannelPicker();
    void recompute();
    void layoutPlots();
    void drawData();
    void drawPredictions();
    void clearAll(const QString& why);
    void clearPredictions(bool forget = true);
    void redecimate();
    void syncRange(double lower, double upper);
    QCPGraph* addSeries(QCPAxisRect* rect, const std::vector<double>& t, const std::vector<double>& v, const QPen& pen,
                        const QString& name);

    StudioContext* context_;
    ModelBoard* board_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;   // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    RangeSlider* slider_ = nullptr;
    QComboBox* trajectory_ = nullptr;
    QToolButton* channelsButton_ = nullptr;
    QListWidget* channelList_ = nullptr;
    QCheckBox* residuals_ = nullptr;
    QLabel* metric_ = nullptr;
    QTimer* decimateTimer_ = nullptr;
    std::vector<QCPAxisRect*> rects_;   ///< one per shown channel (+ the residual rect)
    std::vector<Series> series_;
    std::shared_ptr<Prediction> prediction_;   ///< the last drawn predictions
    const data::Trajectory* shownTrajectory_ = nullptr;   ///< whose time range the slider holds
    int generation_ = 0;
    bool syncing_ = false;
    QString emptyText_;
    double lastNrmse_ = std::numeric_limits<double>::quiet_NaN();
    double lastFit_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace sd::studio
