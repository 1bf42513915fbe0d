#pragma once
// Spin boxes for the generated hyperparameter form. Unlike the plain Qt ones they let the user type an
// out-of-range number, then reject it visibly: the previous value is restored and rejected(message) is
// emitted, so the form can say why (a plain QSpinBox silently swallows the keystroke).
#include <QDoubleSpinBox>
#include <QSpinBox>

namespace sd::studio {

/// Double spin box showing values in the shortest readable form (1e-05, 0.001, 250), with an optional
/// logarithmic step (×/÷ 2) for scale parameters such as learning rates.
class NumberSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit NumberSpinBox(QWidget* parent = nullptr);
    void setLogarithmicStep(bool on) { logStep_ = on; }
    void setExclusiveMinimum(bool on) { exclusiveMin_ = on; }

    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void stepBy(int steps) override;

signals:
    void rejected(const QString& message);

private:
    void checkEditedText(const QString& text);
    void reportPendingRejection();
    bool logStep_ = false;
    bool exclusiveMin_ = false;
    QString pendingRejection_;
};

class IntSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit IntSpinBox(QWidget* parent = nullptr);
    QValidator::State validate(QString& text, int& pos) const override;

signals:
    void rejected(const QString& message);

private:
    void checkEditedText(const QString& text);
    void reportPendingRejection();
    QString pendingRejection_;
};

}  // namespace sd::studio
