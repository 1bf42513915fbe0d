#pragma once
// HyperparameterForm — a form generated from a plugin's hyperparameter schema (core/model/hyperparameters.h):
// number → NumberSpinBox, int → IntSpinBox (ranges from min/max), bool → check box, enum → combo box,
// string and int/number lists → line edits. Tooltips come from "doc", sections from "group", and
// "visible_if" hides rows. Every change is validated with model::validateHyperparameters; an invalid value
// is rejected (the previous value stays) and the reason is shown in red under the form.
//
// Editors are named "hp_<key>" (objectName) so tests and sessions can address them.
#include <QHash>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <optional>

class QLabel;
class QVBoxLayout;
class QFormLayout;

namespace sd::studio {

class HyperparameterForm : public QWidget {
    Q_OBJECT
public:
    explicit HyperparameterForm(QWidget* parent = nullptr);

    /// Rebuilds the form for `schema`, starting from the schema defaults overridden by `values`.
    void setSchema(const nlohmann::json& schema, const nlohmann::json& values = nlohmann::json::object());
    const nlohmann::json& schema() const { return schema_; }

    /// The current values, validated (defaults filled); nullopt with `error` set when invalid.
    std::optional<nlohmann::json> validatedValues(QString* error = nullptr) const;
    /// The current, accepted values (always valid once setSchema succeeded).
    const nlohmann::json& values() const { return values_; }

    /// Sets one value through the same validation as a user edit. Returns false (and shows why) when
    /// rejected; the previous value stays.
    bool setValue(const std::string& key, const nlohmann::json& value);
    /// The visible message ("" when everything is valid).
    QString message() const;

signals:
    void valuesChanged();
    void valueRejected(const QString& message);

private:
    struct Field {
        nlohmann::json spec;
        QWidget* editor = nullptr;
        QWidget* label = nullptr;
        QFormLayout* layout = nullptr;
    };
    QWidget* makeEditor(const nlohmann::json& spec);
    void writeEditor(const std::string& key);          // values_ → editor (no signals)
    bool acceptEditorValue(const std::string& key, const nlohmann::json& candidate);
    void showRejection(const std::string& key, const QString& reason);
    void updateVisibility();
    void clear();

    nlohmann::json schema_;
    nlohmann::json values_ = nlohmann::json::object();
    std::vector<std::string> order_;
    std::map<std::string, Field> fields_;
    QVBoxLayout* sections_ = nullptr;
    QWidget* body_ = nullptr;
    QLabel* message_ = nullptr;
};

/// "1, 2, 3" ↔ JSON arrays for the list editors; parseNumberList throws sd::Error on bad text.
nlohmann::json parseNumberList(const QString& text, bool integers, const std::string& key);
QString formatNumberList(const nlohmann::json& list);

}  // namespace sd::studio
