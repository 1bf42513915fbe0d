#pragma once
// CsvMappingDialog — lets the user say what each CSV column is (time, trajectory id, state, input,
// output, state derivative, or ignored) before loading, with a preview of the first rows. Starts from
// defaultCsvMapping's guess.
#include "core/data/csv.h"

#include <QDialog>

class QTableWidget;
class QDoubleSpinBox;
class QLabel;

namespace sd::studio {

class CsvMappingDialog : public QDialog {
    Q_OBJECT
public:
    enum Role { Ignore, Time, TrajectoryId, State, Input, Output, Derivative };

    CsvMappingDialog(const data::CsvPreview& preview, QWidget* parent = nullptr);

    /// The mapping as chosen (valid once accepted).
    data::CsvMapping mapping() const;
    /// Sets a column's role programmatically (tests, sessions).
    void setRole(std::size_t column, Role role);

private:
    void updateState();
    data::CsvPreview preview_;
    QTableWidget* roles_ = nullptr;
    QDoubleSpinBox* dt_ = nullptr;
    QLabel* problem_ = nullptr;
};

}  // namespace sd::studio
