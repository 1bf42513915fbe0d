#include "app/studio/csv_mapping_dialog.h"

#include "app/studio/dataset_sources.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sd::studio {

namespace {
const QStringList kRoleNames = {"ignore", "time", "trajectory id", "state", "input", "output", "d/dt state"};
}

CsvMappingDialog::CsvMappingDialog(const data::CsvPreview& preview, QWidget* parent) : QDialog(parent), preview_(preview) {
    setWindowTitle(QString("Map the columns of %1").arg(QString::fromStdString(preview.path.filename().string())));
    setObjectName("csvMappingDialog");
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QString("%1 columns, %2 data rows. Choose what each column is:")
                                     .arg(preview.columns.size())
                                     .arg(preview.totalRows)));

    // One table column per CSV column: first row the role combo, then the previewed cells.
    const int previewRows = static_cast<int>(std::min<std::size_t>(preview.rows.size(), 8));
    roles_ = new QTableWidget(1 + previewRows, static_cast<int>(preview.columns.size()), this);
    roles_->setObjectName("csvRoleTable");
    QStringList headers;
    for (const auto& c : preview.columns) headers << QString::fromStdString(c.label);
    roles_->setHorizontalHeaderLabels(headers);
    QStringList rowHeaders{"role"};
    for (int r = 0; r < previewRows; ++r) rowHeaders << QString::number(r + 1);
    roles_->setVerticalHeaderLabels(rowHeaders);
    const data::CsvMapping guess = data::defaultCsvMapping(preview);
    auto roleOf = [&](std::size_t c) {
        auto is = [&](const std::optional<data::ColumnRef>& r) { return r && r->index == static_cast<int>(c); };
        if (is(guess.time)) return Time;
        if (is(guess.trajectoryId)) return TrajectoryId;
        for (const auto& s : guess.states)
            if (s.index == static_cast<int>(c)) return State;
        return Ignore;
    };
    for (std::size_t c = 0; c < preview.columns.size(); ++c) {
        auto* combo = new QComboBox(roles_);
        combo->addItems(kRoleNames);
        combo->setCurrentIndex(roleOf(c));
        const bool mappable = preview.columns[c].kind == data::CsvColumnSummary::Kind::Numeric;
        combo->setEnabled(mappable);
        if (!mappable) combo->setToolTip("This column is not numeric on every row and cannot be mapped.");
        connect(combo, &QComboBox::currentIndexChanged, this, &CsvMappingDialog::updateState);
        roles_->setCellWidget(0, static_cast<int>(c), combo);
        for (int r = 0; r < previewRows; ++r)
            if (c < preview.rows[static_cast<std::size_t>(r)].size())
                roles_->setItem(r + 1, static_cast<int>(c),
                                new QTableWidgetItem(QString::fromStdString(preview.rows[static_cast<std::size_t>(r)][c])));
    }
    roles_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    roles_->setMinimumSize(560, 260);
    layout->addWidget(roles_);

    auto* form = new QFormLayout;
    dt_ = new QDoubleSpinBox(this);
    dt_->setObjectName("csvDt");
    dt_->setDecimals(6);
    dt_->setRange(1e-6, 1e6);
    dt_->setValue(guess.dt > 0 ? guess.dt : 1.0);
    dt_->setToolTip("Sample time, used when no column is the time.");
    form->addRow("Sample time dt (without a time column):", dt_);
    layout->addLayout(form);
    problem_ = new QLabel(this);
    problem_->setStyleSheet("color: #b91c1c;");
    layout->addWidget(problem_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(this, &CsvMappingDialog::finished, this, [] {});
    updateState();
}

void CsvMappingDialog::setRole(std::size_t column, Role role) {
    if (auto* combo = qobject_cast<QComboBox*>(roles_->cellWidget(0, static_cast<int>(column)))) combo->setCurrentIndex(role);
}

data::CsvMapping CsvMappingDialog::mapping() const {
    data::CsvMapping m;
    m.delimiter = preview_.delimiter;
    for (int c = 0; c < roles_->columnCount(); ++c) {
        const auto* combo = qobject_cast<QComboBox*>(roles_->cellWidget(0, c));
        const auto ref = data::ColumnRef::byIndex(c);
        switch (combo ? combo->currentIndex() : Ignore) {
            case Time: m.time = ref; break;
            case TrajectoryId: m.trajectoryId = ref; break;
            case State: m.states.push_back(ref); break;
            case Input: m.inputs.push_back(ref); break;
            case Output: m.outputs.push_back(ref); break;
            case Derivative: m.derivatives.push_back(ref); break;
            default: break;
        }
    }
    if (!m.time) m.dt = dt_->value();
    return m;
}

void CsvMappingDialog::updateState() {
    int times = 0, ids = 0;
    for (int c = 0; c < roles_->columnCount(); ++c) {
        const auto* combo = qobject_cast<QComboBox*>(roles_->cellWidget(0, c));
        if (!combo) continue;
        times += combo->currentIndex() == Time;
        ids += combo->currentIndex() == TrajectoryId;
    }
    const auto m = mapping();
    QString problem;
    if (times > 1) problem = "Choose at most one time column.";
    else if (ids > 1) problem = "Choose at most one trajectory-id column.";
    else if (m.states.empty() && m.outputs.empty()) problem = "Choose at least one state or output column.";
    else if (!m.derivatives.empty() && m.derivatives.size() != m.states.size())
        problem = "Give one d/dt column per state, in the same order, or none.";
    problem_->setText(problem);
    dt_->setEnabled(times == 0);
    if (auto* box = findChild<QDialogButtonBox*>()) box->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

}  // namespace sd::studio
