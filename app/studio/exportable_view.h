#pragma once
// ExportableView — a central view that can save its plot (File ▸ Save plot as…), store its settings in a
// session and say whether it is still computing. Every plotting tab implements it; the main window only talks to this interface.
#include <QWidget>
#include <nlohmann/json.hpp>

class QCustomPlot;

namespace sd::studio {

class ExportableView {
public:
    virtual ~ExportableView() = default;
    /// The plot that "Save plot as…" writes (nullptr when the tab has nothing to export).
    virtual QCustomPlot* exportablePlot() = 0;
    /// View settings saved in sessions (ranges, toggles, smoothing …).
    virtual nlohmann::json viewSettings() const { return nlohmann::json::object(); }
    virtual void applyViewSettings(const nlohmann::json&) {}
    /// True while the view is computing what it will draw (the screenshot tour waits for it).
    virtual bool isComputing() const { return false; }
};

}  // namespace sd::studio
