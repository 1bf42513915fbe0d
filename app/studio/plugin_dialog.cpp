#include "app/studio/plugin_dialog.h"

#include "core/model/plugin_host.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sd::studio {

PluginDialog::PluginDialog(const model::PluginHost& host, const std::vector<std::string>& extraDirs, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle("Plugins");
    setObjectName("pluginDialog");
    resize(820, 480);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel("<b>Loaded model plugins</b>", this));
    auto* loaded = new QTreeWidget(this);
    loaded->setObjectName("loadedPluginList");
    loaded->setHeaderLabels({"Id", "Name", "Version", "Capabilities", "File"});
    loaded->setRootIsDecorated(false);
    for (const auto& p : host.plugins()) {
        QStringList caps;
        for (const auto& c : p.capabilities()) caps << QString::fromStdString(c);
        new QTreeWidgetItem(loaded, {QString::fromStdString(p.id()), QString::fromStdString(p.metadata.value("Name", "")),
                                     QString::fromStdString(p.version()), caps.join(", "), QString::fromStdString(p.file)});
    }
    loaded->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(loaded, 2);

    layout->addWidget(new QLabel("<b>Libraries that were not loaded</b>", this));
    auto* failed = new QTreeWidget(this);
    failed->setObjectName("failedPluginList");
    failed->setHeaderLabels({"File", "Problem", "Details"});
    failed->setRootIsDecorated(false);
    for (const auto& f : host.failures())
        new QTreeWidgetItem(failed, {QString::fromStdString(f.file), QString::fromStdString(model::toString(f.kind)),
                                     QString::fromStdString(f.message)});
    if (host.failures().empty()) new QTreeWidgetItem(failed, {"(none)", "", ""});
    failed->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(failed, 1);

    std::vector<std::filesystem::path> extra(extraDirs.begin(), extraDirs.end());
    QStringList path;
    for (const auto& p : model::PluginHost::searchPath(extra)) path << QString::fromStdString(p.string());
    auto* pathLabel = new QLabel("<b>Search path</b> (in order): " + path.join(" · ").toHtmlEscaped(), this);
    pathLabel->setWordWrap(true);
    pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(pathLabel);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

}  // namespace sd::studio
