#include "app/studio/plot_style.h"

namespace sd::studio {

namespace {
const char* kMessageItemName = "studio-message";
}

void stylePlot(QCustomPlot* plot) {
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    QFont tick = plot->font();
    tick.setPointSize(9);
    QFont label = plot->font();
    label.setPointSize(10);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setTickLabelFont(tick);
        axis->setLabelFont(label);
        axis->grid()->setPen(QPen(QColor(225, 225, 225), 0, Qt::DotLine));
        axis->grid()->setSubGridVisible(false);
    }
    plot->legend->setFont(tick);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->setMinimumSize(240, 180);
}

void setPlotMessage(QCustomPlot* plot, const QString& text) {
    QCPItemText* item = nullptr;
    for (int k = 0; k < plot->itemCount(); ++k)
        if (plot->item(k)->objectName() == kMessageItemName) item = qobject_cast<QCPItemText*>(plot->item(k));
    if (!item) {
        item = new QCPItemText(plot);
        item->setObjectName(kMessageItemName);
        item->position->setType(QCPItemPosition::ptAxisRectRatio);
        item->position->setCoords(0.5, 0.5);
        item->setPositionAlignment(Qt::AlignCenter);
        item->setColor(QColor(110, 110, 110));
        QFont f = plot->font();
        f.setPointSize(11);
        item->setFont(f);
        item->setClipToAxisRect(false);
    }
    item->setText(text);
    item->setVisible(!text.isEmpty());
}

}  // namespace sd::studio
