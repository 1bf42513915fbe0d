#pragma once
// SweepView — the "Sweep" tab: train the chosen plugin for every value (or pair of values) of one or two
// numeric hyperparameters and every seed, on the current dataset's train split, scored on its validation
// split (else test, else train). The sweep is an experiment plan (sweep_plan.h) run by the experiment engine
// on a pool of workers (sweep_runner.h); results and each cell's model go to a folder under the studio's
// data location, so any cell's model can be loaded afterwards.
//
// The plot is the engine's figure (core/experiment/sweep_figures.h, drawn by sweep_plot.h): two parameters →
// heat map of the mean score over the seeds with a colour bar in the metric's units; one → score against the
// value (± std over seeds) with the observed sensitivity on the right axis when the certificate reports one.
// Only undefined values (diverged, failed, not run) are masked; a variant without a certificate shows its
// numbers. Clicking a cell (or point) loads its model as the current model; "Promote" hands it to the model
// board (promoteToBoard). The other hyperparameters come from the Model dock's form.
#include "app/studio/exportable_view.h"
#include "app/studio/sweep_plan.h"
#include "core/experiment/result_table.h"

#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QCPColorMap;
class QLabel;
class QLineEdit;
class QMouseEvent;
class QPushButton;
class QSpinBox;

namespace sd::studio {

class StudioContext;
class SweepRunner;

class SweepView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit SweepView(StudioContext* context, QWidget* parent = nullptr);
    ~SweepView() override;

    QCustomPlot* exportablePlot() override { return plot_; }

    /// Chooses the swept parameters and their value lists (as typed in the tab); `keyB` empty = one parameter.
    bool setSweep(const std::string& keyA, const QString& valuesA, const std::string& keyB = {}, const QString& valuesB = {});
    void setSeeds(const QString& seeds);
    void setJobs(int jobs);
    /// Where sweep folders are created (default: the studio's data location/sweeps).
    void setOutputRoot(const QString& folder);
    /// Validates the inputs and starts the sweep; false (and the reason in the status line) if it cannot.
    bool run();
    void stop();
    bool isRunning() const;
    /// Writes the results table; throws sd::Error when the file cannot be written or there are no results.
    void exportCsv(const QString& path) const;

    /// The results so far (nullptr before the first sweep).
    const experiment::ResultTable* results() const { return table_.get(); }
    /// Cells of the current sweep (all seeds), and those finished so far.
    int cellCount() const;
    int finishedCount() const;
    /// Cells (groups over seeds) drawn as masked because their score is undefined.
    int maskedCount() const;
    QString statusText() const;
    QCPColorMap* heatMap() const { return map_; }
    /// The sweep's output folder ("" before the first sweep).
    QString outputFolder() const;

    /// Loads the model of the group at value indices (i, j) (j ignored for one parameter; the first seed with
    /// a saved model) as the current model. False, with the reason in the status line, if it has none.
    bool loadCell(int i, int j = 0);
    /// The model JSON and label of the last loaded cell (empty before one is loaded).
    QString selectedModelJson() const { return selectedJson_; }
    QString selectedLabel() const { return selectedLabel_; }

signals:
    void sweepFinished();
    /// "Promote": the selected cell's model document (JSON text) and a label for the model board.
    void promoteToBoard(const QString& modelJson, const QString& label);

private:
    void refreshParameters();
    /// Suggests values around the form's current value (or the schema default, right after a plugin switch).
    void onParameterChosen(QComboBox* chooser, QLineEdit* values, bool schemaDefault = false);
    void onProgress();
    void onFinished(bool cancelled, const QString& error);
    void redraw();
    void onPlotClicked(QMouseEvent* event);
    void setStatus(const QString& text, bool error);
    void updateButtons();

    StudioContext* context_;
    SweepRunner* runner_ = nullptr;
    QComboBox* paramA_ = nullptr;
    QComboBox* paramB_ = nullptr;
    QLineEdit* valuesA_ = nullptr;
    QLineEdit* valuesB_ = nullptr;
    QLineEdit* seeds_ = nullptr;
    QSpinBox* jobs_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* export_ = nullptr;
    QPushButton* promote_ = nullptr;
    QLabel* status_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    std::vector<SweepableParameter> parameters_;
    QString outputRoot_;
    std::unique_ptr<experiment::ResultTable> table_;
    QString selectedJson_, selectedLabel_;
};

}  // namespace sd::studio
