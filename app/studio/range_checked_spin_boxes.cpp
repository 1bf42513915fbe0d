#include "app/studio/range_checked_spin_boxes.h"

#include <QLineEdit>
#include <QRegularExpression>
#include <cmath>
#include <limits>

namespace sd::studio {

namespace {
// Text that is on its way to a number ("", "-", "1e", "2.") is fine while typing.
bool isPartialNumber(const QString& t) {
    static const QRegularExpression partial(R"(^[+-]?(\d*\.?\d*)([eE][+-]?\d*)?$)");
    return partial.match(t.trimmed()).hasMatch();
}
}  // namespace

// ---- NumberSpinBox ------------------------------------------------------------------------------------
NumberSpinBox::NumberSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(17);   // the displayed text comes from textFromValue; decimals only limits rounding
    setRange(-1e300, 1e300);
    setKeyboardTracking(false);
    setCorrectionMode(QAbstractSpinBox::CorrectToPreviousValue);
    setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    connect(lineEdit(), &QLineEdit::textEdited, this, &NumberSpinBox::checkEditedText);
    connect(this, &QAbstractSpinBox::editingFinished, this, &NumberSpinBox::reportPendingRejection);
}

QString NumberSpinBox::textFromValue(double value) const { return QString::number(value, 'g', 12); }

double NumberSpinBox::valueFromText(const QString& text) const { return text.trimmed().toDouble(); }

QValidator::State NumberSpinBox::validate(QString& text, int&) const {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (ok && std::isfinite(v)) {
        const bool belowMin = exclusiveMin_ ? !(v > minimum()) : v < minimum();
        return (belowMin || v > maximum()) ? QValidator::Intermediate : QValidator::Acceptable;
    }
    return isPartialNumber(text) ? QValidator::Intermediate : QValidator::Invalid;
}

void NumberSpinBox::stepBy(int steps) {
    if (logStep_ && value() > 0) setValue(value() * std::pow(2.0, steps));
    else QDoubleSpinBox::stepBy(steps);
}

void NumberSpinBox::checkEditedText(const QString& text) {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok) pendingRejection_ = QString("\"%1\" is not a number").arg(text);
    else if (exclusiveMin_ ? !(v > minimum()) : v < minimum())
        pendingRejection_ = QString("%1 is below the minimum %2%3").arg(text).arg(minimum()).arg(exclusiveMin_ ? " (exclusive)" : "");
    else if (v > maximum()) pendingRejection_ = QString("%1 is above the maximum %2").arg(text).arg(maximum());
    else pendingRejection_.clear();
}

void NumberSpinBox::reportPendingRejection() {
    if (pendingRejection_.isEmpty()) return;
    const QString message = pendingRejection_;
    pendingRejection_.clear();
    setValue(value());   // shows the kept value again
    emit rejected(message);
}

// ---- IntSpinBox ---------------------------------------------------------------------------------------
IntSpinBox::IntSpinBox(QWidget* parent) : QSpinBox(parent) {
    setRange(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    setKeyboardTracking(false);
    setCorrectionMode(QAbstractSpinBox::CorrectToPreviousValue);
    connect(lineEdit(), &QLineEdit::textEdited, this, &IntSpinBox::checkEditedText);
    connect(this, &QAbstractSpinBox::editingFinished, this, &IntSpinBox::reportPendingRejection);
}

QValidator::State IntSpinBox::validate(QString& text, int&) const {
    bool ok = false;
    const qlonglong v = text.trimmed().toLongLong(&ok);
    if (ok) return (v < minimum() || v > maximum()) ? QValidator::Intermediate : QValidator::Acceptable;
    const QString t = text.trimmed();
    if (t.isEmpty() || t == "-" || t == "+") return QValidator::Intermediate;
    // Anything else (letters, decimals) is kept visible so the rejection message can quote it.
    return QValidator::Intermediate;
}

void IntSpinBox::checkEditedText(const QString& text) {
    bool ok = false;
    const qlonglong v = text.trimmed().toLongLong(&ok);
    if (!ok) pendingRejection_ = QString("\"%1\" is not an integer").arg(text);
    else if (v < minimum()) pendingRejection_ = QString("%1 is below the minimum %2").arg(text).arg(minimum());
    else if (v > maximum()) pendingRejection_ = QString("%1 is above the maximum %2").arg(text).arg(maximum());
    else pendingRejection_.clear();
}

void IntSpinBox::reportPendingRejection() {
    if (pendingRejection_.isEmpty()) return;
    const QString message = pendingRejection_;
    pendingRejection_.clear();
    setValue(value());
    emit rejected(message);
}

}  // namespace sd::studio
