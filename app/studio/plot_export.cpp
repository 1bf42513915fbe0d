#include "app/studio/plot_export.h"

#include "core/common/error.h"

#include <QFileInfo>
#include <QPainter>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace sd::studio {

void savePlot(QCustomPlot* plot, const QString& path, int width, int height) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int w = width > 0 ? width : plot->width();
    const int h = height > 0 ? height : plot->height();
    bool ok = false;
    if (suffix == "png") {
        ok = plot->savePng(path, w, h, 2.0);   // 2× for crisp images in documents
    } else if (suffix == "pdf") {
        ok = plot->savePdf(path, w, h);
    } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle("StableDyn Studio plot");
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
    } else {
        throw Error(path.toStdString(), "unknown plot format '" + suffix.toStdString() + "' (expected png, pdf or svg)");
    }
    if (!ok || !QFileInfo(path).exists() || QFileInfo(path).size() == 0)
        throw Error(path.toStdString(), "could not write the plot file");
}

QString plotFileFilter() { return "PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"; }

}  // namespace sd::studio
