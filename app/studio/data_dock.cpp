#include "app/studio/data_dock.h"

#include "app/studio/async_task.h"
#include "app/studio/color_maps.h"
#include "app/studio/csv_mapping_dialog.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"
#include "core/data/csv.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace sd::studio {

namespace {
constexpr int kPreviewTableRows = 200;
constexpr int kPreviewTableColumns = 64;  // video datasets have C·H·W channels: show the first ones only
const int kRoleRegistryName = Qt::UserRole + 1;
const int kRoleIsDemo = Qt::UserRole + 2;
}  // namespace

DataDock::DataDock(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);

    auto* registryBox = new QGroupBox("Benchmark registry", this);
    auto* registryLayout = new QVBoxLayout(registryBox);
    registry_ = new QTreeWidget(registryBox);
    registry_->setObjectName("registryList");
    registry_->setHeaderLabels({"Name", "Dims (x/u/y)", "Samples", "Citation"});
    registry_->setRootIsDecorated(false);
    registry_->setMinimumHeight(90);
    registry_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    connect(registry_, &QTreeWidget::itemActivated, this, &DataDock::onRegistryActivated);
    registryLayout->addWidget(registry_);
    auto* buttons = new QHBoxLayout;
    auto* loadButton = new QPushButton("Load selected", registryBox);
    loadButton->setObjectName("loadRegistryButton");
    connect(loadButton, &QPushButton::clicked, this, [this] { onRegistryActivated(registry_->currentItem()); });
    auto* openButton = new QPushButton("Open file…", registryBox);
    openButton->setObjectName("openDatasetButton");
    openButton->setToolTip("CSV, NPZ or JSON; you can also drop a file on this dock.");
    connect(openButton, &QPushButton::clicked, this, &DataDock::chooseFile);
    buttons->addWidget(loadButton);
    buttons->addWidget(openButton);
    buttons->addStretch();
    registryLayout->addLayout(buttons);
    layout->addWidget(registryBox);

    status_ = new QLabel("No dataset loaded. Choose one above, open a file or drop it here.", this);
    status_->setObjectName("dataStatus");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);
    summary_ = new QLabel(this);
    summary_->setObjectName("dataSummary");
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    auto* previewBox = new QGroupBox("Preview", this);
    auto* previewLayout = new QVBoxLayout(previewBox);
    trajectory_ = new QComboBox(previewBox);
    trajectory_->setObjectName("previewTrajectory");
    trajectory_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    trajectory_->setMinimumContentsLength(10);
    connect(trajectory_, &QComboBox::currentIndexChanged, this, &DataDock::showTrajectory);
    previewLayout->addWidget(trajectory_);
    auto* splitter = new QSplitter(Qt::Vertical, previewBox);
    preview_ = new QCustomPlot(splitter);
    preview_->setObjectName("dataPreviewPlot");
    stylePlot(preview_);
    preview_->setMinimumHeight(150);
    preview_->legend->setVisible(true);
    table_ = new QTableWidget(splitter);
    table_->setObjectName("dataPreviewTable");
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setDefaultSectionSize(20);
    // A narrow dock (270 px at 1280×800) must not scroll sideways: the plot and the table shrink with it
    // (the table scrolls its own columns) instead of imposing their size hints.
    preview_->setMinimumWidth(120);
    table_->setMinimumWidth(120);
    splitter->addWidget(preview_);
    splitter->addWidget(table_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    previewLayout->addWidget(splitter, 1);
    layout->addWidget(previewBox, 1);

    auto* splitBox = new QGroupBox("Splits", this);
    auto* splitForm = new QFormLayout(splitBox);
    trainSplit_ = new QComboBox(splitBox);
    trainSplit_->setObjectName("trainSplitCombo");
    validationSplit_ = new QComboBox(splitBox);
    validationSplit_->setObjectName("validationSplitCombo");
    connect(trainSplit_, &QComboBox::currentIndexChanged, this, &DataDock::applySplitChoice);
    connect(validationSplit_, &QComboBox::currentIndexChanged, this, &DataDock::applySplitChoice);
    splitForm->addRow("Train on:", trainSplit_);
    splitForm->addRow("Validate on:", validationSplit_);
    for (QComboBox* c : {trainSplit_, validationSplit_}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(10);
    }
    auto* resplitRow = new QHBoxLayout;
    validationPercent_ = new QSpinBox(splitBox);
    validationPercent_->setObjectName("validationPercent");
    validationPercent_->setRange(0, 80);
    validationPercent_->setValue(20);
    validationPercent_->setSuffix(" % val");
    testPercent_ = new QSpinBox(splitBox);
    testPercent_->setRange(0, 80);
    testPercent_->setValue(10);
    testPercent_->setSuffix(" % test");
    auto* resplitButton = new QPushButton("Re-split", splitBox);
    resplitButton->setObjectName("resplitButton");
    resplitButton->setToolTip("New train/validation/test splits by whole trajectories, in file order.");
    connect(resplitButton, &QPushButton::clicked, this, &DataDock::resplit);
    resplitRow->addWidget(validationPercent_);
    resplitRow->addWidget(testPercent_);
    splitForm->addRow("By trajectory:", resplitRow);
    splitForm->addRow("", resplitButton);
    splitForm->setRowWrapPolicy(QFormLayout::WrapLongRows);
    layout->addWidget(splitBox);

    fillRegistry();
    connect(context_, &StudioContext::datasetChanged, this, &DataDock::onDatasetChanged);
}

void DataDock::fillRegistry() {
    registry_->clear();
    for (const RegistryEntry& e : registryEntries()) {
        auto* item = new QTreeWidgetItem(registry_);
        item->setText(0, QString::fromStdString(e.name));
        // Manifests that take channel names from the files' headers know their dimensions only once loaded:
        // then the numbers come from the last load on this machine (remembered in the settings).
        const bool dimsKnown = e.stateDim + e.inputDim + e.outputDim > 0;
        const QSettings settings;
        const QString key = "registry/" + QString::fromStdString(e.name);
        const QString cachedDims = settings.value(key + "/dims").toString();
        const qlonglong cachedSamples = settings.value(key + "/samples", -1).toLongLong();
        item->setText(1, dimsKnown ? QString("%1/%2/%3").arg(e.stateDim).arg(e.inputDim).arg(e.outputDim)
                                   : cachedDims.isEmpty() ? QString("on load") : cachedDims);
        item->setText(2, e.samples >= 0 ? QString::number(e.samples) : cachedSamples >= 0 ? QString::number(cachedSamples) : QString("on load"));
        item->setText(3, QString::fromStdString(e.citation));
        item->setData(0, kRoleRegistryName, QString::fromStdString(e.name));
        item->setData(0, kRoleIsDemo, e.isDemo);
        QString tip = QString::fromStdString(e.description);
        if (!e.available) {
            tip += "\n\nNot on this machine. " + QString::fromStdString(e.whereToGet);
            for (int c = 0; c < 4; ++c) item->setForeground(c, QColor(150, 150, 150));
            item->setText(0, item->text(0) + " (not available)");
        }
        for (int c = 0; c < 4; ++c) item->setToolTip(c, tip);
        item->setData(0, Qt::UserRole + 3, e.available);
    }
}

void DataDock::rememberRegistryStats(const std::string& name, const data::Dataset& ds) {
    const QString dims = QString("%1/%2/%3").arg(ds.stateDim()).arg(ds.inputDim()).arg(ds.outputDim());
    QSettings settings;
    settings.setValue("registry/" + QString::fromStdString(name) + "/dims", dims);
    settings.setValue("registry/" + QString::fromStdString(name) + "/samples", static_cast<qlonglong>(ds.totalSamples()));
    for (int k = 0; k < registry_->topLevelItemCount(); ++k) {
        QTreeWidgetItem* item = registry_->topLevelItem(k);
        if (item->data(0, kRoleRegistryName).toString().toStdString() != name) continue;
        item->setText(1, dims);
        item->setText(2, QString::number(ds.totalSamples()));
    }
}

void DataDock::onRegistryActivated(QTreeWidgetItem* item) {
    if (!item) return;
    if (!item->data(0, Qt::UserRole + 3).toBool()) {
        setStatus(item->toolTip(0), true);
        return;
    }
    DatasetReference ref;
    ref.kind = item->data(0, kRoleIsDemo).toBool() ? DatasetReference::Kind::Demo : DatasetReference::Kind::Registry;
    ref.name = item->data(0, kRoleRegistryName).toString().toStdString();
    load(ref);
}

void DataDock::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, "Open dataset", {}, datasetFileFilter());
    if (!path.isEmpty()) openFile(path);
}

void DataDock::openFile(const QString& path) {
    DatasetReference ref;
    ref.kind = DatasetReference::Kind::File;
    ref.path = QFileInfo(path).absoluteFilePath().toStdString();
    if (!askForCsvMapping_ || !needsColumnMapping(ref.path)) {
        load(ref);
        return;
    }
    // The peek reads the whole file (row count, ragged rows), so it runs off the GUI thread too.
    setStatus(QString("Reading %1…").arg(path), false);
    runAsync(
        this, [p = ref.path] { return data::peekCsv(p); },
        [this, ref](data::CsvPreview preview) mutable {
            auto* dialog = new CsvMappingDialog(preview, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog, ref]() mutable {
                ref.csvMapping = dialog->mapping();
                load(ref);
            });
            connect(dialog, &QDialog::rejected, this, [this] { setStatus("Loading cancelled.", false); });
            dialog->open();
        },
        [this](const QString& error) {
            setStatus(error, true);
            emit loadFailed(error);
        });
}

void DataDock::load(const DatasetReference& ref) {
    loading_ = true;
    setStatus(QString("Loading %1…").arg(QString::fromStdString(ref.describe())), false);
    runAsync(
        this, [ref] { return loadDataset(ref); },
        [this, ref](LoadedDataset loaded) {
            loading_ = false;
            const QString what = QString::fromStdString(loaded.dataset->name);
            if (ref.kind == DatasetReference::Kind::Registry || ref.kind == DatasetReference::Kind::Demo) rememberRegistryStats(ref.name, *loaded.dataset);
            context_->setDataset(std::move(loaded));
            setStatus(QString("Loaded %1.").arg(what), false);
            emit datasetLoaded();
        },
        [this](const QString& error) {
            loading_ = false;
            setStatus("Could not load the dataset: " + error, true);
            emit loadFailed(error);
        });
}

QString DataDock::statusText() const { return status_->text(); }

void DataDock::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b91c1c;" : "");
}

void DataDock::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DataDock::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openFile(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

void DataDock::onDatasetChanged() {
    const auto ds = context_->dataset();
    if (!ds) return;
    summary_->setText(QString("<b>%1</b> — %2 trajectories, %3 samples; state %4, input %5, output %6%7")
                          .arg(QString::fromStdString(ds->name).toHtmlEscaped())
                          .arg(ds->trajectories.size())
                          .arg(ds->totalSamples())
                          .arg(ds->stateDim())
                          .arg(ds->inputDim())
                          .arg(ds->outputDim())
                          .arg(ds->dt > 0 ? QString(", dt %1").arg(ds->dt) : QString()));
    {
        const QSignalBlocker block(trajectory_);
        trajectory_->clear();
        for (const auto& tr : ds->trajectories) trajectory_->addItem(QString::fromStdString(tr.id));
    }
    {
        const QSignalBlocker b1(trainSplit_), b2(validationSplit_);
        trainSplit_->clear();
        validationSplit_->clear();
        trainSplit_->addItem("(all trajectories)", QString());
        validationSplit_->addItem("(none)", QString());
        for (const auto& [name, indices] : ds->splits) {
            const QString label = QString("%1 (%2)").arg(QString::fromStdString(name)).arg(indices.size());
            trainSplit_->addItem(label, QString::fromStdString(name));
            validationSplit_->addItem(label, QString::fromStdString(name));
        }
        const int t = trainSplit_->findData(QString::fromStdString(context_->trainSplit()));
        trainSplit_->setCurrentIndex(t >= 0 ? t : trainSplit_->findData("train") >= 0 ? trainSplit_->findData("train") : 0);
        const int v = validationSplit_->findData(QString::fromStdString(context_->validationSplit()));
        validationSplit_->setCurrentIndex(v >= 0 ? v : validationSplit_->findData("validation") >= 0 ? validationSplit_->findData("validation") : 0);
    }
    applySplitChoice();
    showTrajectory(0);
}

void DataDock::showTrajectory(int index) {
    const auto ds = context_->dataset();
    preview_->clearGraphs();
    preview_->clearPlottables();
    table_->clear();
    if (!ds || index < 0 || index >= static_cast<int>(ds->trajectories.size())) {
        preview_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const auto& tr = ds->trajectories[static_cast<std::size_t>(index)];
    const Eigen::Index K = tr.samples();
    QStringList columns;
    std::vector<const Eigen::MatrixXd*> blocks;
    std::vector<std::vector<std::string>> names = {ds->stateNames, ds->inputNames, ds->outputNames};
    const Eigen::MatrixXd* mats[3] = {&tr.x, &tr.u, &tr.y};
    if (tr.isPairSet()) {
        // (x, ẋ) pairs have no time axis: show the first two states against each other.
        auto* curve = new QCPCurve(preview_->xAxis, preview_->yAxis);
        curve->setLineStyle(QCPCurve::lsNone);
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, runColor(0), 3));
        curve->setName("samples");
        for (Eigen::Index k = 0; k < std::min<Eigen::Index>(K, 5000); ++k)
            curve->addData(tr.x(0, k), tr.x.rows() > 1 ? tr.x(1, k) : 0.0);
        preview_->xAxis->setLabel(QString::fromStdString(ds->stateNames.empty() ? "x1" : ds->stateNames[0]));
        preview_->yAxis->setLabel(QString::fromStdString(ds->stateNames.size() > 1 ? ds->stateNames[1] : "x2"));
    } else {
        int colour = 0;
        for (int b = 0; b < 3; ++b)
            for (Eigen::Index r = 0; r < mats[b]->rows() && colour < 8; ++r) {
                auto* g = preview_->addGraph();
                g->setPen(QPen(runColor(colour++), 1.2));
                g->setName(r < static_cast<Eigen::Index>(names[b].size()) ? QString::fromStdString(names[b][r]) : QString("ch%1").arg(r));
                QVector<double> t(K), v(K);
                for (Eigen::Index k = 0; k < K; ++k) {
                    t[k] = tr.t[k];
                    v[k] = (*mats[b])(r, k);
                }
                g->setData(t, v, true);
            }
        preview_->xAxis->setLabel("t");
        preview_->yAxis->setLabel("value");
    }
    preview_->rescaleAxes();
    preview_->replot(QCustomPlot::rpQueuedReplot);

    // Table: t, then the channels (at most kPreviewTableColumns of them), first rows only.
    if (!tr.isPairSet()) columns << "t";
    std::vector<std::pair<int, Eigen::Index>> shown;  // (block, row) of each channel column
    for (int b = 0; b < 3; ++b)
        for (Eigen::Index r = 0; r < mats[b]->rows() && static_cast<int>(shown.size()) < kPreviewTableColumns; ++r) {
            shown.emplace_back(b, r);
            columns << (r < static_cast<Eigen::Index>(names[b].size()) ? QString::fromStdString(names[b][r]) : QString("ch%1").arg(r));
        }
    const int rows = static_cast<int>(std::min<Eigen::Index>(K, kPreviewTableRows));
    table_->setColumnCount(columns.size());
    table_->setRowCount(rows);
    table_->setHorizontalHeaderLabels(columns);
    for (int k = 0; k < rows; ++k) {
        int c = 0;
        if (!tr.isPairSet()) table_->setItem(k, c++, new QTableWidgetItem(QString::number(tr.t[k], 'g', 6)));
        for (const auto& [b, r] : shown) table_->setItem(k, c++, new QTableWidgetItem(QString::number((*mats[b])(r, k), 'g', 6)));
    }
}

void DataDock::applySplitChoice() {
    context_->setTrainingSplits(trainSplit_->currentData().toString().toStdString(),
                                validationSplit_->currentData().toString().toStdString());
}

void DataDock::resplit() {
    const auto ds = context_->dataset();
    if (!ds) return;
    const int n = static_cast<int>(ds->trajectories.size());
    const int nVal = n * validationPercent_->value() / 100;
    const int nTest = n * testPercent_->value() / 100;
    if (n - nVal - nTest < 1) {
        setStatus("Re-split: no trajectory would be left for training.", true);
        return;
    }
    std::map<std::string, std::vector<int>> splits;
    for (int k = 0; k < n; ++k) {
        const char* name = k < n - nVal - nTest ? "train" : k < n - nTest ? "validation" : "test";
        splits[name].push_back(k);
    }
    context_->setTrainingSplits("train", nVal > 0 ? "validation" : "");
    context_->setSplits(splits);
    setStatus(QString("Split %1 trajectories: %2 train, %3 validation, %4 test.").arg(n).arg(n - nVal - nTest).arg(nVal).arg(nTest), false);
}

}  // namespace sd::studio
