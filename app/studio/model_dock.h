#pragma once
// ModelDock — the "Model" dock: plugin chooser (every plugin the host loaded), the plugin's description
// and capabilities, and the hyperparameter form generated from its schema. Each plugin's form values are
// remembered for the session: switching to another plugin and back restores them.
#include <QWidget>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

class QComboBox;
class QLabel;

namespace sd::studio {

class HyperparameterForm;
class StudioContext;

class ModelDock : public QWidget {
    Q_OBJECT
public:
    explicit ModelDock(StudioContext* context, QWidget* parent = nullptr);

    /// Re-reads the host's plugin list (after a scan).
    void refreshPlugins();
    /// Chooses a plugin by id and fills the form (with `values` over the defaults). False if unknown.
    bool selectPlugin(const std::string& id, const nlohmann::json& values = nlohmann::json::object());
    HyperparameterForm* form() const { return form_; }

private:
    void onPluginChosen(int index);

    StudioContext* context_;
    std::map<std::string, nlohmann::json> remembered_;   ///< each plugin's last form values (switching back restores them)
    QComboBox* chooser_ = nullptr;
    QLabel* description_ = nullptr;
    HyperparameterForm* form_ = nullptr;
};

}  // namespace sd::studio
