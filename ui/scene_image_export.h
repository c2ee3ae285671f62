#pragma once
// Pictures of a graphics scene: a raster image of one of its rectangles at a scale (at most
// 16000 px a side), or the same rectangle as an SVG file with the items painted as vectors.
#include <QColor>
#include <QImage>
#include <QRectF>
#include <QString>

class QGraphicsScene;

namespace ncui {

QImage renderSceneImage(QGraphicsScene& scene, const QRectF& src, const QColor& background,
                        double scale);
// Returns false when the file cannot be written (or comes out empty). Items that cache their
// drawing as pixmaps should have the cache switched off first.
bool writeSceneSvg(QGraphicsScene& scene, const QRectF& src, const QColor& background,
                   const QString& path);

}  // namespace ncui
