#pragma once
// DataDock — the "Data" dock: the benchmark registry, Open… and drag-and-drop of CSV/NPZ/JSON files (CSV
// through the column-mapping dialog), a preview plot and table of one trajectory, and the train/validation
// split choice. Files load on the thread pool; the UI never waits for them. Problems are shown as messages
// that name the file and what is wrong.
#include "app/studio/dataset_reference.h"
#include "core/data/dataset.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QSpinBox;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace sd::studio {

class StudioContext;

class DataDock : public QWidget {
    Q_OBJECT
public:
    explicit DataDock(StudioContext* context, QWidget* parent = nullptr);

    /// Loads a dataset in the background; datasetLoaded or loadFailed follows.
    void load(const DatasetReference& ref);
    /// Interactive open: CSV files go through the column-mapping dialog first (unless disabled).
    void openFile(const QString& path);
    /// Tests and batch use: CSV files load with the default (guessed) mapping instead of asking.
    void setAskForCsvMapping(bool ask) { askForCsvMapping_ = ask; }
    bool isLoading() const { return loading_; }
    QString statusText() const;

signals:
    void datasetLoaded();
    void loadFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void fillRegistry();
    /// Dimensions and sample count of a loaded registry entry: shown at once and remembered for next time.
    void rememberRegistryStats(const std::string& name, const data::Dataset& ds);
    void onRegistryActivated(QTreeWidgetItem* item);
    void chooseFile();
    void onDatasetChanged();
    void showTrajectory(int index);
    void applySplitChoice();
    void resplit();
    void setStatus(const QString& text, bool error);

    StudioContext* context_;
    QTreeWidget* registry_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    QComboBox* trajectory_ = nullptr;
    QCustomPlot* preview_ = nullptr;
    QTableWidget* table_ = nullptr;
    QComboBox* trainSplit_ = nullptr;
    QComboBox* validationSplit_ = nullptr;
    QSpinBox* validationPercent_ = nullptr;
    QSpinBox* testPercent_ = nullptr;
    bool askForCsvMapping_ = true;
    bool loading_ = false;
};

}  // namespace sd::studio
