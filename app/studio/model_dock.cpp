#include "app/studio/model_dock.h"

#include "app/studio/hyperparameter_form.h"
#include "app/studio/studio_context.h"

#include <QComboBox>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace sd::studio {

ModelDock::ModelDock(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    auto* layout = new QVBoxLayout(this);
    chooser_ = new QComboBox(this);
    chooser_->setObjectName("pluginChooser");
    // Long plugin names must not widen the dock (the full name is in the list and the tooltip).
    chooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    chooser_->setMinimumContentsLength(16);
    layout->addWidget(chooser_);
    description_ = new QLabel(this);
    description_->setObjectName("pluginDescription");
    description_->setWordWrap(true);
    layout->addWidget(description_);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    form_ = new HyperparameterForm(scroll);
    form_->setObjectName("hyperparameterForm");
    scroll->setWidget(form_);
    layout->addWidget(scroll, 1);
    connect(chooser_, &QComboBox::currentIndexChanged, this, &ModelDock::onPluginChosen);
    connect(form_, &HyperparameterForm::valuesChanged, this, [this] {
        context_->setHyperparameters(form_->values());
        if (!context_->pluginId().empty()) remembered_[context_->pluginId()] = form_->values();
    });
    refreshPlugins();
}

void ModelDock::refreshPlugins() {
    const QString current = chooser_->currentData().toString();
    {
        const QSignalBlocker block(chooser_);
        chooser_->clear();
        for (const auto& p : context_->pluginHost().plugins()) {
            const QString id = QString::fromStdString(p.id());
            const QString name = QString::fromStdString(p.metadata.value("Name", p.id()));
            chooser_->addItem(name == id ? id : QString("%1 (%2)").arg(name, id), id);
        }
    }
    if (chooser_->count() == 0) {
        description_->setText("No model plugins were found. See Help ▸ Plugins for the search path and load errors.");
        return;
    }
    const int keep = chooser_->findData(current);
    chooser_->setCurrentIndex(keep >= 0 ? keep : 0);
    onPluginChosen(chooser_->currentIndex());
}

bool ModelDock::selectPlugin(const std::string& id, const nlohmann::json& values) {
    const int index = chooser_->findData(QString::fromStdString(id));
    if (index < 0) return false;
    {
        const QSignalBlocker block(chooser_);
        chooser_->setCurrentIndex(index);
    }
    context_->setPlugin(id);
    const auto* plugin = context_->plugin();
    // Selections made in code (--model-plugin, sessions, imports) block the chooser's signal: describe here.
    QStringList caps;
    for (const auto& c : plugin->capabilities()) caps << QString::fromStdString(c);
    description_->setText(QString("%1<br><small>version %2 · %3</small>")
                              .arg(QString::fromStdString(plugin->metadata.value("Description", "")).toHtmlEscaped(),
                                   QString::fromStdString(plugin->version()), caps.join(", ")));
    form_->setSchema(plugin->plugin->hyperparameterSchema(), values);
    context_->setHyperparameters(form_->values());
    remembered_[id] = form_->values();
    return true;
}

void ModelDock::onPluginChosen(int index) {
    if (index < 0) return;
    const std::string id = chooser_->itemData(index).toString().toStdString();
    if (!context_->pluginHost().find(id)) return;
    // Back to a plugin used before: its last values, not the defaults.
    const auto it = remembered_.find(id);
    selectPlugin(id, id == context_->pluginId() ? context_->hyperparameters()
                     : it != remembered_.end() ? it->second
                                               : nlohmann::json::object());
}

}  // namespace sd::studio
