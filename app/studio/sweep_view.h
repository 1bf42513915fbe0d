#pragma once
// SweepView — the "Sweep" tab: train the chosen plugin once per value (or pair of values) of one or two
// numeric hyperparameters, on the current dataset's train split, and score every configuration on the
// validation split (else test, else train) — SweepRunner does the work on a worker thread.
//
// Two parameters: a heat map of log10(error) over the value grid (value labels on the axes, the error
// written in each cell); cells whose configuration is masked (certificate not verified, diverged, failed)
// are left grey and marked "×" with the reason. One parameter: error against the value (log axes when the
// schema says so or the values span decades), masked points as red crosses, and — when the certificate
// reports it (ren) — the observed sensitivity on the right axis, with the bound γ when γ is swept.
// The table exports as CSV. The other values come from the Model dock's form.
#include "app/studio/exportable_view.h"
#include "app/studio/sweep_plan.h"

#include <QWidget>
#include <optional>
#include <vector>

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QLineEdit;
class QPushButton;

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
    /// Validates the inputs and starts the sweep; false (and the reason in the status line) if it cannot.
    bool run();
    void stop();
    bool isRunning() const;
    /// Writes the results table; throws sd::Error when the file cannot be written.
    void exportCsv(const QString& path) const;

    const std::vector<SweepResult>& results() const { return results_; }
    /// Heat-map cells (two parameters) or points (one parameter) of the current sweep.
    int cellCount() const;
    /// Results drawn as masked (grey/crossed) so far.
    int maskedCount() const;
    QString statusText() const;
    QCPColorMap* heatMap() const { return map_; }

signals:
    void sweepFinished();

private:
    void refreshParameters();
    /// Suggests values around the form's current value (or the schema default, right after a plugin switch,
    /// when the context still holds the previous plugin's values).
    void onParameterChosen(QComboBox* chooser, QLineEdit* values, bool schemaDefault = false);
    void onResult(const SweepResult& r, int done, int total);
    void redraw();
    void drawHeatMap();
    void drawLine();
    void setStatus(const QString& text, bool error);
    void updateButtons();

    StudioContext* context_;
    SweepRunner* runner_ = nullptr;
    QComboBox* paramA_ = nullptr;
    QComboBox* paramB_ = nullptr;
    QLineEdit* valuesA_ = nullptr;
    QLineEdit* valuesB_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* export_ = nullptr;
    QLabel* status_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    std::vector<SweepableParameter> parameters_;
    SweepAxis axisA_;
    std::optional<SweepAxis> axisB_;
    std::vector<SweepResult> results_;
};

}  // namespace sd::studio
