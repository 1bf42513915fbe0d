#pragma once
// ModelBoard — every model of the session by name (System Identification app's "model board"): trained
// runs (completed or stopped), imported files, promoted sweep cells. Each entry keeps the model itself,
// where it came from (plugin, variant, the dataset it was trained on), the hyperparameters that differ from
// the plugin's defaults, its final losses and training curve, a certificate badge and a score on the
// loaded data. Ticked entries are overlaid in the phase portrait, the time series and the training curves;
// any entry can be made the current model. The board is saved in sessions with each model's JSON.
//
// This is state only (no widgets): ModelBoardDock shows it, the views read it. Scores and badges are
// computed off the GUI thread by ModelBoardDock and written back with setBadge/setScore.
#include "core/model/model.h"

#include <QColor>
#include <QObject>
#include <QString>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::model {
class PluginHost;
}

namespace sd::studio {

struct BoardEntry {
    enum class Badge { Unknown, Verified, NotVerified, Failed };

    int id = 0;                                   ///< unique in the session, never reused
    QString name;                                 ///< editable
    QString origin;                               ///< "trained", "stopped", "imported", "sweep", "random"
    std::shared_ptr<const model::Model> model;
    std::string pluginId, variant;
    std::string datasetName, datasetSha;          ///< what it was trained on ("" when unknown)
    nlohmann::json keyHyperparameters = nlohmann::json::object();   ///< values that differ from the defaults
    int run = 0;                                  ///< training run of this session (0: not trained here)
    qint64 startedAtMs = 0;                       ///< wall-clock start of its training (ms since the epoch; 0: unknown)
    int epochs = 0;
    double trainLoss = std::numeric_limits<double>::quiet_NaN();
    double validationLoss = std::numeric_limits<double>::quiet_NaN();
    std::vector<model::TrainEvent> curve;         ///< one event per epoch of its training run
    Badge badge = Badge::Unknown;
    double score = std::numeric_limits<double>::quiet_NaN();   ///< on the loaded data (see scoreName)
    QString scoreName;                            ///< "val. NRMSE", "val. rel. error", … ("" = not scored)
    QColor colour;
    bool overlay = false;                         ///< ticked: drawn in the views

    /// "lyapunov-net/stable".
    QString pluginLabel() const;
};

class ModelBoard : public QObject {
    Q_OBJECT
public:
    explicit ModelBoard(QObject* parent = nullptr);

    /// Adds an entry (id and colour are assigned here); returns its id.
    int add(BoardEntry entry);
    bool remove(int id);
    bool rename(int id, const QString& name);
    bool setOverlay(int id, bool on);
    void setBadge(int id, BoardEntry::Badge badge);
    void setScore(int id, double score, const QString& name);

    const std::vector<BoardEntry>& entries() const { return entries_; }
    const BoardEntry* find(int id) const;
    /// The entry holding exactly this model object (nullptr if none).
    const BoardEntry* findModel(const model::Model* model) const;
    /// The entry of a training run of this session (nullptr if none).
    const BoardEntry* findRun(int run) const;
    /// The colour the next added entry will get (the live training curve uses it already).
    QColor nextColour() const;

    /// True when entries were added, renamed or removed since the last markSaved().
    bool hasUnsavedChanges() const { return unsaved_; }
    void markSaved() { unsaved_ = false; }

    /// The board as JSON for a session: each entry with its model document (Model::toJson()).
    nlohmann::json toJson() const;
    /// Replaces the board by the entries of `j` (from toJson); models are loaded through `host`.
    /// Throws sd::Error("<source>: board[<k>]…") naming the entry that cannot be read.
    void loadJson(const nlohmann::json& j, const model::PluginHost& host, const std::string& source);
    void clear();

signals:
    void entryAdded(int id);
    void entryRemoved(int id);
    /// Name, overlay, badge or score of an entry changed.
    void entryChanged(int id);
    /// The set of ticked entries changed (views redraw their overlays).
    void overlaysChanged();

private:
    BoardEntry* findMutable(int id);
    std::vector<BoardEntry> entries_;
    int nextId_ = 1;
    bool unsaved_ = false;
};

/// The hyperparameters of `hyper` that differ from `defaults` (same keys), at most `limit` of them, in the
/// schema's order — what distinguishes one run from another on the board.
nlohmann::json differingHyperparameters(const nlohmann::json& hyper, const nlohmann::json& defaults, int limit = 4);
/// "lr=0.01, epochs=300" from differingHyperparameters.
QString hyperparameterSummary(const nlohmann::json& keyHyper);

}  // namespace sd::studio
