#include "app/studio/model_board_dock.h"

#include "app/studio/latest_job.h"
#include "app/studio/model_board.h"
#include "app/studio/studio_context.h"
#include "core/model/evaluation.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {

enum Column { Overlay = 0, Name, Model, Data, Settings, Epochs, Loss, Score, Certificate, ColumnCount };
const int kIdRole = Qt::UserRole + 10;

QIcon swatch(const QColor& c) {
    QPixmap p(12, 12);
    p.fill(Qt::transparent);
    QPainter painter(&p);
    painter.setPen(Qt::NoPen);
    painter.setBrush(c);
    painter.drawRoundedRect(0, 0, 12, 12, 3, 3);
    return QIcon(p);
}

QString numberText(double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : QString("–"); }

struct EntryScore {
    int id = 0;
    bool badgeComputed = false;
    BoardEntry::Badge badge = BoardEntry::Badge::Unknown;
    double score = std::numeric_limits<double>::quiet_NaN();
    QString scoreName;
};

}  // namespace

ModelBoardDock::ModelBoardDock(StudioContext* context, ModelBoard* board, QWidget* parent)
    : QWidget(parent), context_(context), board_(board) {
    scoring_ = new LatestJob(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setObjectName("modelBoardTable");
    table_->setHorizontalHeaderLabels({"", "Name", "Model", "Trained on", "Settings", "Epochs", "Loss (train / val.)", "Score", "Certificate"});
    table_->horizontalHeaderItem(Overlay)->setToolTip("Tick to overlay the model in the phase portrait, time series and training curves.");
    table_->horizontalHeaderItem(Score)->setToolTip("On the loaded data's held-out split: mean NRMSE (output models) or mean relative state error.");
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    // The short columns always show their whole contents; the name takes the remaining room; the settings
    // (free text, full in the tooltip) keep a width the user can drag.
    QHeaderView* header = table_->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(Name, QHeaderView::Stretch);
    header->setSectionResizeMode(Settings, QHeaderView::Interactive);
    header->setMinimumSectionSize(40);
    table_->setColumnWidth(Settings, 150);
    layout->addWidget(table_, 1);

    auto* buttons = new QHBoxLayout;
    current_ = new QPushButton("Make current", this);
    current_->setObjectName("boardMakeCurrent");
    current_->setToolTip("Show this model in every view (double-click a row does the same).");
    rename_ = new QPushButton("Rename", this);
    rename_->setObjectName("boardRename");
    delete_ = new QPushButton("Delete", this);
    delete_->setObjectName("boardDelete");
    hint_ = new QLabel("Every trained, imported or promoted model is listed here; tick models to compare them.", this);
    hint_->setObjectName("boardHint");
    hint_->setStyleSheet("color: #6b7280;");
    hint_->setWordWrap(true);
    buttons->addWidget(current_);
    buttons->addWidget(rename_);
    buttons->addWidget(delete_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addWidget(hint_);

    connect(current_, &QPushButton::clicked, this, [this] {
        if (const int id = selectedId()) emit makeCurrentRequested(id);
    });
    connect(rename_, &QPushButton::clicked, this, &ModelBoardDock::renameSelected);
    connect(delete_, &QPushButton::clicked, this, &ModelBoardDock::deleteSelected);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == Name) return;   // editing the name
        if (auto* item = table_->item(row, Name)) emit makeCurrentRequested(item->data(kIdRole).toInt());
    });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (updating_) return;
        const int id = item->data(kIdRole).toInt();
        if (item->column() == Overlay) board_->setOverlay(id, item->checkState() == Qt::Checked);
        else if (item->column() == Name && !board_->rename(id, item->text())) updateRow(id);
    });
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const bool any = selectedId() != 0;
        current_->setEnabled(any);
        rename_->setEnabled(any);
        delete_->setEnabled(any);
    });
    connect(table_, &QWidget::customContextMenuRequested, this, &ModelBoardDock::showContextMenu);
    connect(board_, &ModelBoard::entryAdded, this, [this](int id) {
        rebuild();
        selectId(id);
        scoreEntries();
    });
    connect(board_, &ModelBoard::entryRemoved, this, &ModelBoardDock::rebuild);
    connect(board_, &ModelBoard::entryChanged, this, &ModelBoardDock::updateRow);
    connect(context_, &StudioContext::modelChanged, this, [this] {
        for (const auto& e : board_->entries()) updateRow(e.id);   // the bold "current" row
    });
    connect(context_, &StudioContext::datasetChanged, this, &ModelBoardDock::scoreEntries);
    rebuild();
}

int ModelBoardDock::rowOf(int id) const {
    for (int r = 0; r < table_->rowCount(); ++r)
        if (table_->item(r, Name) && table_->item(r, Name)->data(kIdRole).toInt() == id) return r;
    return -1;
}

int ModelBoardDock::selectedId() const {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return 0;
    const auto* item = table_->item(rows.first().row(), Name);
    return item ? item->data(kIdRole).toInt() : 0;
}

void ModelBoardDock::selectId(int id) {
    const int row = rowOf(id);
    if (row >= 0) table_->selectRow(row);
}

bool ModelBoardDock::isScoring() const { return scoring_->isBusy(); }

void ModelBoardDock::rebuild() {
    const int keep = selectedId();
    {
        const QSignalBlocker block(table_);
        updating_ = true;
        table_->setRowCount(0);
        table_->setRowCount(static_cast<int>(board_->entries().size()));
        for (int r = 0; r < table_->rowCount(); ++r)
            for (int c = 0; c < ColumnCount; ++c) {
                auto* item = new QTableWidgetItem;
                item->setData(kIdRole, board_->entries()[static_cast<std::size_t>(r)].id);
                item->setFlags(c == Name ? Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable
                               : c == Overlay ? Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsUserCheckable
                                              : Qt::ItemIsSelectable | Qt::ItemIsEnabled);
                table_->setItem(r, c, item);
            }
        updating_ = false;
    }
    for (const auto& e : board_->entries()) updateRow(e.id);
    if (keep) selectId(keep);
    const bool any = selectedId() != 0;
    current_->setEnabled(any);
    rename_->setEnabled(any);
    delete_->setEnabled(any);
    hint_->setVisible(board_->entries().size() < 2);
}

void ModelBoardDock::updateRow(int id) {
    const int row = rowOf(id);
    const BoardEntry* e = board_->find(id);
    if (row < 0 || !e) return;
    updating_ = true;
    const bool current = context_->model() && context_->model() == e->model;
    const auto ds = context_->dataset();
    auto set = [&](int column, const QString& text, const QString& tip = {}) {
        QTableWidgetItem* item = table_->item(row, column);
        item->setText(text);
        item->setToolTip(tip.isEmpty() ? text : tip);
        QFont f = item->font();
        f.setBold(current);
        item->setFont(f);
    };
    QTableWidgetItem* overlay = table_->item(row, Overlay);
    overlay->setCheckState(e->overlay ? Qt::Checked : Qt::Unchecked);
    overlay->setIcon(swatch(e->colour));
    overlay->setToolTip("Overlay this model in the views (its colour).");
    set(Name, e->name, (current ? "Current model. " : "") + QString("%1 (%2)").arg(e->name, e->origin));
    set(Model, e->pluginLabel());
    const bool otherData = ds && !e->datasetSha.empty() && e->datasetSha != ds->sha256;
    set(Data, e->datasetName.empty() ? QString("–") : QString::fromStdString(e->datasetName) + (otherData ? " ⚠" : ""),
        otherData ? QString("Trained on '%1', not on the loaded data.").arg(QString::fromStdString(e->datasetName)) : QString());
    set(Settings, hyperparameterSummary(e->keyHyperparameters), hyperparameterSummary(e->keyHyperparameters) + "\n(hyperparameters that differ from the plugin's defaults)");
    set(Epochs, e->epochs > 0 ? QString::number(e->epochs) : QString("–"));
    set(Loss, QString("%1 / %2").arg(numberText(e->trainLoss), numberText(e->validationLoss)));
    set(Score, e->scoreName.isEmpty() ? QString("–") : numberText(e->score),
        e->scoreName.isEmpty() ? QString("Not scored on the loaded data (no data, or the dimensions differ).")
                               : QString("%1 on the loaded data: %2").arg(e->scoreName, numberText(e->score)));
    QTableWidgetItem* badge = table_->item(row, Certificate);
    switch (e->badge) {
        case BoardEntry::Badge::Verified:
            badge->setText("✔ verified");
            badge->setForeground(QColor(21, 128, 61));
            break;
        case BoardEntry::Badge::NotVerified:
            badge->setText("✘ not verified");
            badge->setForeground(QColor(185, 28, 28));
            break;
        case BoardEntry::Badge::Failed:
            badge->setText("? failed");
            badge->setForeground(QColor(146, 64, 14));
            break;
        case BoardEntry::Badge::Unknown:
            badge->setText("…");
            badge->setForeground(QColor(107, 114, 128));
            break;
    }
    updating_ = false;
}

void ModelBoardDock::scoreEntries() {
    struct Job {
        int id;
        std::shared_ptr<const model::Model> model;
        bool needBadge;
    };
    std::vector<Job> jobs;
    for (const auto& e : board_->entries()) jobs.push_back({e.id, e.model, e.badge == BoardEntry::Badge::Unknown});
    if (jobs.empty()) return;
    const auto ds = context_->dataset();
    const std::string split = context_->heldOutSplit();
    scoring_->submit(
        [jobs, ds, split](const CancelToken& cancel) {
            std::vector<EntryScore> out;
            for (const auto& job : jobs) {
                cancel.throwIfCancelled();
                EntryScore s;
                s.id = job.id;
                if (job.needBadge) {
                    s.badgeComputed = true;
                    try {
                        s.badge = job.model->certify().verified ? BoardEntry::Badge::Verified
                                                                                    : BoardEntry::Badge::NotVerified;
                    } catch (const std::exception&) {
                        s.badge = BoardEntry::Badge::Failed;
                    }
                }
                if (ds) {
                    try {
                        const auto report = model::evaluate(*job.model, *ds, split);
                        if (std::isfinite(report.meanNrmse)) {
                            s.score = report.meanNrmse;
                            s.scoreName = "mean NRMSE";
                        } else if (std::isfinite(report.meanRelativeError)) {
                            s.score = report.meanRelativeError;
                            s.scoreName = "mean relative error";
                        } else if (report.divergedCount > 0) {
                            s.scoreName = "diverged";
                        } else if (report.stalledCount > 0) {
                            s.scoreName = "stalled";
                        }
                    } catch (const std::exception&) {
                        // dimensions differ: not scored
                    }
                }
                out.push_back(s);
            }
            return out;
        },
        [this](std::vector<EntryScore> scores) {
            for (const auto& s : scores) {
                if (!board_->find(s.id)) continue;
                if (s.badgeComputed) board_->setBadge(s.id, s.badge);
                board_->setScore(s.id, s.score, s.scoreName);
            }
        },
        [](const QString&) {});
}

void ModelBoardDock::deleteSelected() {
    if (const int id = selectedId()) board_->remove(id);
}

void ModelBoardDock::renameSelected() {
    const int row = rowOf(selectedId());
    if (row >= 0) table_->editItem(table_->item(row, Name));
}

void ModelBoardDock::showContextMenu(const QPoint& pos) {
    const auto* item = table_->itemAt(pos);
    if (!item) return;
    const int id = item->data(kIdRole).toInt();
    selectId(id);
    QMenu menu(this);
    menu.addAction("Make current", this, [this, id] { emit makeCurrentRequested(id); });
    menu.addAction("Rename", this, &ModelBoardDock::renameSelected);
    const BoardEntry* e = board_->find(id);
    menu.addAction(e && e->overlay ? "Hide in the views" : "Overlay in the views", this,
                   [this, id, on = !(e && e->overlay)] { board_->setOverlay(id, on); });
    menu.addAction("Export model JSON…", this, [this, id] { emit exportRequested(id); });
    menu.addSeparator();
    menu.addAction("Delete", this, [this, id] { board_->remove(id); });
    menu.exec(table_->viewport()->mapToGlobal(pos));
}

}  // namespace sd::studio
