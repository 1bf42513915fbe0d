#pragma once
// PluginDialog — Help ▸ Plugins: every loaded plugin (id, name, version, capabilities, file) and every
// library that was refused, with the reason (wrong IID, bad metadata, API version, constructor threw …),
// plus the search path.
#include <QDialog>

namespace sd::model {
class PluginHost;
}

namespace sd::studio {

class PluginDialog : public QDialog {
    Q_OBJECT
public:
    PluginDialog(const model::PluginHost& host, const std::vector<std::string>& extraDirs, QWidget* parent = nullptr);
};

}  // namespace sd::studio
