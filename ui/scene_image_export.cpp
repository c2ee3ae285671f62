#include "ui/scene_image_export.h"

#include <QFileInfo>
#include <QGraphicsScene>
#include <QPainter>
#include <QSvgGenerator>

namespace ncui {

QImage renderSceneImage(QGraphicsScene& scene, const QRectF& src, const QColor& background,
                        double scale) {
  QSize size((src.size() * scale).toSize());
  size = size.boundedTo(QSize(16000, 16000));
  QImage img(size, QImage::Format_ARGB32_Premultiplied);
  img.fill(background);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  scene.render(&p, QRectF(QPointF(0, 0), QSizeF(size)), src);
  return img;
}

bool writeSceneSvg(QGraphicsScene& scene, const QRectF& src, const QColor& background,
                   const QString& path) {
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(src.size().toSize());
  gen.setViewBox(QRectF(QPointF(0, 0), src.size()));
  gen.setTitle("NetCanvas graph");
  QPainter p;
  if (!p.begin(&gen)) return false;
  p.fillRect(QRectF(QPointF(0, 0), src.size()), background);
  scene.render(&p, QRectF(QPointF(0, 0), src.size()), src);
  return p.end() && QFileInfo(path).size() > 0;
}

}  // namespace ncui
