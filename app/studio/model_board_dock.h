#pragma once
// ModelBoardDock — the "Models" dock: the ModelBoard as a table (tick to overlay, name, plugin/variant,
// training data, distinguishing hyperparameters, epochs, final losses, a score on the loaded data and a
// certificate badge). The current model's row is bold. Double-click or "Make current" publishes an entry
// as the current model; names are edited in place; Delete removes entries.
//
// Scores and badges are computed off the GUI thread (LatestJob): the badge once per model (its
// certificate's "verified"), the score whenever the loaded data changes (model::evaluate on the validation
// split, else test, else all trajectories; mean NRMSE for output models, mean relative state error else).
// Entries whose dimensions do not fit the loaded data are shown greyed with the reason in the tooltip.
#include <QWidget>

class QPushButton;
class QTableWidget;
class QLabel;

namespace sd::studio {

class LatestJob;
class ModelBoard;
class StudioContext;

class ModelBoardDock : public QWidget {
    Q_OBJECT
public:
    ModelBoardDock(StudioContext* context, ModelBoard* board, QWidget* parent = nullptr);

    /// Row of an entry in the table (−1 if absent).
    int rowOf(int id) const;
    /// The id of the selected row (0 if none).
    int selectedId() const;
    void selectId(int id);
    /// True while scores/badges are being computed.
    bool isScoring() const;

signals:
    /// The user asked to make this entry the current model (the window publishes it).
    void makeCurrentRequested(int id);
    /// The user asked to export this entry's model.
    void exportRequested(int id);

private:
    void rebuild();
    void updateRow(int id);
    void scoreEntries();
    void deleteSelected();
    void renameSelected();
    void showContextMenu(const QPoint& pos);

    StudioContext* context_;
    ModelBoard* board_;
    LatestJob* scoring_ = nullptr;
    QTableWidget* table_ = nullptr;
    QPushButton* current_ = nullptr;
    QPushButton* rename_ = nullptr;
    QPushButton* delete_ = nullptr;
    QLabel* hint_ = nullptr;
    bool updating_ = false;   // table edits made by code, not the user
};

}  // namespace sd::studio
