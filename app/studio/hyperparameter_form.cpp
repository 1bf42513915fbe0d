#include "app/studio/hyperparameter_form.h"

#include "app/studio/range_checked_spin_boxes.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

namespace sd::studio {

using nlohmann::json;

json parseNumberList(const QString& text, bool integers, const std::string& key) {
    json out = json::array();
    const QStringList parts = QString(text).replace(';', ',').split(',', Qt::SkipEmptyParts);
    for (const QString& raw : parts) {
        const QString p = raw.trimmed();
        if (p.isEmpty()) continue;
        bool ok = false;
        if (integers) {
            const qlonglong v = p.toLongLong(&ok);
            if (!ok) throw Error("hyperparameter '" + key + "'", "expected integers separated by commas, found \"" + p.toStdString() + "\"");
            out.push_back(v);
        } else {
            const double v = p.toDouble(&ok);
            if (!ok || !std::isfinite(v))
                throw Error("hyperparameter '" + key + "'", "expected numbers separated by commas, found \"" + p.toStdString() + "\"");
            out.push_back(v);
        }
    }
    return out;
}

QString formatNumberList(const json& list) {
    QStringList parts;
    for (const auto& v : list)
        parts << (v.is_number_integer() ? QString::number(v.get<long long>()) : QString::number(v.get<double>(), 'g', 12));
    return parts.join(", ");
}

HyperparameterForm::HyperparameterForm(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    body_ = new QWidget(this);
    sections_ = new QVBoxLayout(body_);
    sections_->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(body_);
    message_ = new QLabel(this);
    message_->setObjectName("hyperparameterMessage");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #b91c1c;");
    message_->hide();
    outer->addWidget(message_);
}

void HyperparameterForm::clear() {
    fields_.clear();
    order_.clear();
    while (QLayoutItem* item = sections_->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            // Detach at once (findChild must not see the old form); delete later, as a signal of one
            // of its editors may be what rebuilt the form.
            w->hide();
            w->setParent(nullptr);
            w->deleteLater();
        }
        delete item;
    }
}

void HyperparameterForm::setSchema(const json& schema, const json& values) {
    clear();
    schema_ = schema;
    message_->hide();
    json start = model::defaultHyperparameters(schema);
    if (values.is_object())
        for (const auto& [k, v] : values.items())
            if (model::findHyperparameter(schema, k)) start[k] = v;
    try {
        values_ = model::validateHyperparameters(schema, start);
    } catch (const Error& e) {
        values_ = model::defaultHyperparameters(schema);
        message_->setText(QString::fromStdString(e.what()) + " — defaults restored");
        message_->show();
    }

    std::map<std::string, QFormLayout*> groups;
    std::vector<std::string> groupOrder;
    for (const auto& spec : schema.value("params", json::array())) {
        const std::string group = spec.value("group", "Parameters");
        if (!groups.count(group)) {
            auto* box = new QGroupBox(QString::fromStdString(group), body_);
            auto* form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            form->setRowWrapPolicy(QFormLayout::WrapLongRows);   // narrow docks: a long label goes above its editor
            form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
            sections_->addWidget(box);
            groups[group] = form;
        }
        const std::string key = spec.at("key").get<std::string>();
        Field f;
        f.spec = spec;
        f.editor = makeEditor(spec);
        f.editor->setObjectName(QString::fromStdString("hp_" + key));
        const QString doc = QString::fromStdString(spec.value("doc", ""));
        const QString label = QString::fromStdString(spec.value("label", key));
        f.editor->setToolTip(doc.isEmpty() ? label : "<p>" + doc.toHtmlEscaped() + "</p>");
        auto* labelWidget = new QLabel(label + ":", body_);
        labelWidget->setToolTip(f.editor->toolTip());
        f.label = labelWidget;
        f.layout = groups[group];
        f.layout->addRow(labelWidget, f.editor);
        fields_[key] = f;
        order_.push_back(key);
        writeEditor(key);
    }
    updateVisibility();
}

QWidget* HyperparameterForm::makeEditor(const json& spec) {
    const std::string key = spec.at("key").get<std::string>();
    const std::string type = spec.value("type", "");
    if (type == "number") {
        auto* box = new NumberSpinBox(body_);
        box->setRange(spec.contains("min") ? spec["min"].get<double>() : -1e300,
                      spec.contains("max") ? spec["max"].get<double>() : 1e300);
        box->setExclusiveMinimum(spec.value("exclusive_min", false));
        box->setLogarithmicStep(spec.value("log", false));
        connect(box, &NumberSpinBox::rejected, this, [this, key](const QString& m) { showRejection(key, m); });
        connect(box, &QDoubleSpinBox::valueChanged, this, [this, key](double v) { acceptEditorValue(key, v); });
        return box;
    }
    if (type == "int") {
        auto* box = new IntSpinBox(body_);
        const double lo = spec.contains("min") ? spec["min"].get<double>() : std::numeric_limits<int>::min();
        const double hi = spec.contains("max") ? spec["max"].get<double>() : std::numeric_limits<int>::max();
        box->setRange(static_cast<int>(std::max<double>(lo, std::numeric_limits<int>::min())),
                      static_cast<int>(std::min<double>(hi, std::numeric_limits<int>::max())));
        connect(box, &IntSpinBox::rejected, this, [this, key](const QString& m) { showRejection(key, m); });
        connect(box, &QSpinBox::valueChanged, this, [this, key](int v) { acceptEditorValue(key, v); });
        return box;
    }
    if (type == "bool") {
        auto* box = new QCheckBox(body_);
        connect(box, &QCheckBox::toggled, this, [this, key](bool v) { acceptEditorValue(key, v); });
        return box;
    }
    if (type == "enum") {
        auto* box = new QComboBox(body_);
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(8);
        for (const auto& v : spec.value("values", json::array()))
            box->addItem(QString::fromStdString(v.is_string() ? v.get<std::string>() : v.dump()),
                         QString::fromStdString(v.dump()));
        connect(box, &QComboBox::currentIndexChanged, this, [this, key, box](int) {
            acceptEditorValue(key, json::parse(box->currentData().toString().toStdString()));
        });
        return box;
    }
    // string, int_list, number_list: line edits, committed on Return / focus loss.
    auto* edit = new QLineEdit(body_);
    if (type == "int_list" || type == "number_list") edit->setPlaceholderText("comma-separated, e.g. 64, 64");
    connect(edit, &QLineEdit::editingFinished, this, [this, key, edit, type]() {
        try {
            const json candidate = type == "string" ? json(edit->text().toStdString())
                                                    : parseNumberList(edit->text(), type == "int_list", key);
            if (candidate == values_[key]) return;
            acceptEditorValue(key, candidate);
        } catch (const Error& e) {
            showRejection(key, QString::fromStdString(e.detail()));
        }
    });
    return edit;
}

void HyperparameterForm::writeEditor(const std::string& key) {
    Field& f = fields_.at(key);
    const json& v = values_.contains(key) ? values_[key] : json();
    const QSignalBlocker block(f.editor);
    if (auto* d = qobject_cast<NumberSpinBox*>(f.editor)) {
        if (v.is_number()) d->setValue(v.get<double>());
    } else if (auto* i = qobject_cast<IntSpinBox*>(f.editor)) {
        if (v.is_number()) i->setValue(static_cast<int>(v.get<double>()));
    } else if (auto* c = qobject_cast<QCheckBox*>(f.editor)) {
        c->setChecked(v.is_boolean() && v.get<bool>());
    } else if (auto* e = qobject_cast<QComboBox*>(f.editor)) {
        const int index = e->findData(QString::fromStdString(v.dump()));
        if (index >= 0) e->setCurrentIndex(index);
    } else if (auto* l = qobject_cast<QLineEdit*>(f.editor)) {
        l->setText(v.is_array() ? formatNumberList(v) : v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString());
        l->setStyleSheet({});
    }
}

bool HyperparameterForm::acceptEditorValue(const std::string& key, const json& candidate) {
    json next = values_;
    next[key] = candidate;
    try {
        values_ = model::validateHyperparameters(schema_, next);
        message_->hide();
        message_->clear();
        if (auto* l = qobject_cast<QLineEdit*>(fields_.at(key).editor)) l->setStyleSheet({});
        updateVisibility();
        emit valuesChanged();
        return true;
    } catch (const Error& e) {
        showRejection(key, QString::fromStdString(e.detail()));
        return false;
    }
}

void HyperparameterForm::showRejection(const std::string& key, const QString& reason) {
    const auto it = fields_.find(key);
    const QString label = it != fields_.end() ? QString::fromStdString(it->second.spec.value("label", key))
                                              : QString::fromStdString(key);
    const QString text = QString("%1: %2 — kept the previous value.").arg(label, reason);
    if (it != fields_.end()) writeEditor(key);   // the previous, valid value is shown again
    message_->setText(text);
    message_->show();
    emit valueRejected(text);
}

bool HyperparameterForm::setValue(const std::string& key, const json& value) {
    if (!fields_.count(key)) {
        showRejection(key, "unknown hyperparameter");
        return false;
    }
    const bool accepted = acceptEditorValue(key, value);
    writeEditor(key);
    return accepted;
}

std::optional<json> HyperparameterForm::validatedValues(QString* error) const {
    try {
        return model::validateHyperparameters(schema_, values_);
    } catch (const Error& e) {
        if (error) *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

QString HyperparameterForm::message() const { return message_->isHidden() ? QString() : message_->text(); }

void HyperparameterForm::updateVisibility() {
    for (auto& [key, f] : fields_) {
        bool visible = true;
        if (f.spec.contains("visible_if") && f.spec["visible_if"].is_object()) {
            for (const auto& [otherKey, allowed] : f.spec["visible_if"].items()) {
                const json current = values_.contains(otherKey) ? values_[otherKey] : json();
                bool match = false;
                for (const auto& a : allowed) match = match || a == current;
                visible = visible && match;
            }
        }
        f.layout->setRowVisible(f.editor, visible);
    }
}

}  // namespace sd::studio
