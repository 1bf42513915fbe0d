#pragma once
// TrainingCurvesView — the "Training curves" tab (TensorBoard's scalar dashboard): train and validation
// loss of the live run and of every model on the board that has a training curve, overlaid in the
// models' board colours and toggled with the board's tick (the run list here and the Models dock show the
// same state), optionally only the runs trained on one dataset.
//
//  * x axis: epoch (step), relative time since the run started, or wall-clock time;
//  * y axis: linear or log; on a log axis spanning less than a decade the ticks are plain numbers (a
//    decade ticker would label at most one tick); "Ignore outliers" scales the y range to the 5th–95th
//    percentile of the visible values (TensorBoard's default), otherwise to all of them;
//  * TensorBoard's debiased EMA smoothing (slider, default 0.6), raw values drawn faintly behind;
//  * hover: the nearest point's run, epoch, time and losses;
//  * CSV export of every point of the shown runs.
//
// Work per batch of events is proportional to the batch (points are appended; smoothing and the replot
// are coalesced into one pass per event-loop turn).
#include "app/studio/exportable_view.h"
#include "core/analysis/smoothing.h"
#include "core/model/model.h"

#include <QColor>
#include <QWidget>
#include <map>
#include <vector>

class QCheckBox;
class QComboBox;
class QCPGraph;
class QCPItemText;
class QCPItemTracer;
class QLabel;
class QListWidget;
class QMouseEvent;
class QSlider;
class QTimer;

namespace sd::studio {

class ModelBoard;

class TrainingCurvesView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    enum class XAxis { Epoch = 0, RelativeTime = 1, WallTime = 2 };

    explicit TrainingCurvesView(ModelBoard* board, QWidget* parent = nullptr);

    /// Starts the live curve of a training run (name, colour, training data, wall-clock start in ms).
    void beginRun(int run, const QString& name, const QColor& colour, const std::string& datasetName, qint64 startedAtMs);
    void addEvent(int run, const model::TrainEvent& event);
    /// A batch of events of one run.
    void addEvents(int run, const std::vector<model::TrainEvent>& events);

    /// Number of epochs recorded for a run of this session (live or on the board).
    int pointCount(int run) const;
    /// The newest epoch recorded for a run (0 if none).
    int lastEpoch(int run) const;
    /// The newest epoch the plotted graph of a run holds (lags lastEpoch until the coalesced refresh).
    int shownEpoch(int run) const;
    /// The recorded events of a run of this session (empty if none).
    std::vector<model::TrainEvent> eventsOf(int run) const;
    /// Curves held (live runs and board models with a curve).
    int runCount() const { return static_cast<int>(curves_.size()); }
    /// Shows or hides a run (for a board model: its tick on the board).
    void setRunVisible(int run, bool visible);
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    void setXAxis(XAxis axis);
    XAxis xAxisKind() const;
    /// Only runs trained on this dataset ("" = all).
    void setDatasetFilter(const std::string& datasetName);
    void setIgnoreOutliers(bool on);
    /// The y range the view chose in its last refresh.
    double yLower() const;
    double yUpper() const;
    /// Text of the hover readout for the point nearest to the plot position (empty when none).
    QString readoutAt(const QPointF& pixel);
    /// Writes run,name,dataset,epoch,seconds,train_loss,validation_loss,train_smoothed,validation_smoothed.
    void exportCsv(const QString& path) const;

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    /// The graphs were rebuilt from the recorded points (after a batch of events, a setting change …).
    void refreshed();

private:
    struct Curve {
        int run = 0;           ///< training run of this session (0 for models loaded from a session)
        int boardId = 0;       ///< board entry holding this curve (0 while the run is live)
        QString name;
        QColor colour;
        std::string datasetName;
        qint64 startedAtMs = 0;
        std::vector<model::TrainEvent> events;
        bool visible = true;   ///< live runs only; board curves follow the board's tick
        QCPGraph *trainRaw = nullptr, *trainSmooth = nullptr, *valRaw = nullptr, *valSmooth = nullptr;
        std::size_t plotted = 0;                      ///< events already processed into the graphs
        /// Every stride-th event (and the newest) is drawn; the stride doubles as the run grows past
        /// kMaxDrawnPoints, so a replot stays O(kMaxDrawnPoints) per curve however long the run.
        std::size_t stride = 1;
        std::vector<double> smoothTrain, smoothVal;   ///< smoothed values of the plotted events
        analysis::TensorBoardSmoother trainSmoother, valSmoother;
    };
    Curve* curveOfRun(int run);
    const Curve* curveOfRun(int run) const;
    Curve& makeCurve(int key);
    void removeCurve(int key);
    void onBoardEntryAdded(int id);
    void onBoardEntryRemoved(int id);
    void onBoardEntryChanged(int id);
    bool isShown(const Curve& c) const;
    double keyOf(const Curve& c, const model::TrainEvent& ev) const;
    void rebuildRunList();
    void rebuildDatasetFilter();
    void refreshGraphs();   // appends new points (or rebuilds), sets the ranges, replots (coalesced by a 0-ms timer)
    void scheduleRefresh(bool rebuild = true);
    void syncCurve(Curve& c, bool rebuild);
    void updateAxes(double yLo, double yHi);
    void onMouseMove(QMouseEvent* event);
    void chooseCsvFile();

    ModelBoard* board_;
    QCustomPlot* plot_ = nullptr;
    QSlider* smoothingSlider_ = nullptr;
    QLabel* smoothingLabel_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QCheckBox* ignoreOutliers_ = nullptr;
    QComboBox* xAxis_ = nullptr;
    QComboBox* datasetFilter_ = nullptr;
    QListWidget* runList_ = nullptr;
    QLabel* readout_ = nullptr;
    QCPItemTracer* tracer_ = nullptr;
    QTimer* refreshTimer_ = nullptr;
    std::map<int, Curve> curves_;   ///< key: −run for live runs, board id once on the board
    double smoothing_ = 0.6;
    double yLo_ = 0, yHi_ = 1;
    bool followData_ = true;        ///< rescale to the data on refresh (off once the user zooms/pans)
    bool rebuildPending_ = true;    ///< the next refresh redraws every point (a setting changed)
    bool replotOnShow_ = false;     ///< a refresh happened while hidden: range and replot wait for showEvent
};

}  // namespace sd::studio
