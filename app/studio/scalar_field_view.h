#pragma once
// ScalarFieldView — the "Lyapunov" tab: a heat map (QCPColorMap) with marching-squares level sets of a
// scalar field on the first two state coordinates (others fixed at the data's centre). The field is the
// model's Lyapunov function V when it has one (lyapunov-net, vae-latent), otherwise the speed ‖f(x)‖, with
// a message saying so. Levels are geometric (max·2^-k) because V spans decades.
#include "app/studio/exportable_view.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QSpinBox;

namespace sd::studio {

class StudioContext;

class ScalarFieldView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit ScalarFieldView(StudioContext* context, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;
    /// Number of level-set curves drawn in the last refresh.
    int contourCount() const { return contourCount_; }
    QString messageText() const;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void fieldDrawn();

private:
    void refreshFieldChoices();
    void recompute();

    StudioContext* context_;
    bool refreshPending_ = false;   // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QComboBox* field_ = nullptr;
    QSpinBox* levels_ = nullptr;
    QCheckBox* logColour_ = nullptr;
    QLabel* message_ = nullptr;
    int generation_ = 0;
    int contourCount_ = 0;
    bool hadLyapunov_ = false;
};

}  // namespace sd::studio
