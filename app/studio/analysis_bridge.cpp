#include "app/studio/analysis_bridge.h"

#include <qcustomplot.h>

namespace sd::studio {

void setPolyline(QCPCurve* curve, const analysis::Polyline& line) {
    const bool close = line.closed && !line.empty();
    const int n = static_cast<int>(line.size()) + (close ? 1 : 0);
    QVector<double> t(n), x(n), y(n);
    for (int i = 0; i < static_cast<int>(line.size()); ++i) {
        t[i] = i;
        x[i] = line.x[static_cast<std::size_t>(i)];
        y[i] = line.y[static_cast<std::size_t>(i)];
    }
    if (close) {
        t[n - 1] = n - 1;
        x[n - 1] = line.x.front();
        y[n - 1] = line.y.front();
    }
    curve->setData(t, x, y, true);
}

QCPCurve* addPolyline(QCustomPlot* plot, const analysis::Polyline& line, const QPen& pen) {
    auto* curve = new QCPCurve(plot->xAxis, plot->yAxis);
    curve->setPen(pen);
    curve->setSelectable(QCP::stNone);
    setPolyline(curve, line);
    return curve;
}

void setColorMapData(QCPColorMap* map, const analysis::PlaneGrid& grid, const Eigen::MatrixXd& values,
                     const std::function<double(double)>& cell) {
    const int nx = static_cast<int>(grid.nx()), ny = static_cast<int>(grid.ny());
    auto* data = new QCPColorMapData(nx, ny, QCPRange(grid.x[0], grid.x[nx - 1]), QCPRange(grid.y[0], grid.y[ny - 1]));
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) data->setCell(i, j, cell ? cell(values(j, i)) : values(j, i));
    map->setData(data, false);
}

}  // namespace sd::studio
