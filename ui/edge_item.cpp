#include "ui/edge_item.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <cmath>

#include "ui/canvas_context.h"
#include "ui/card_geometry.h"

namespace ncui {

EdgeItem::EdgeItem(const nc::ConnectionId& c, const CanvasContext& canvas)
    : canvas_(canvas), c_(c) {
  setFlags(ItemIsSelectable);
  setZValue(-1);
}

QPainterPath EdgeItem::curve(QPointF a, QPointF b) {
  QPainterPath path(a);
  double dx = std::max(40.0, std::abs(b.x() - a.x()) * 0.5);
  path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b);
  return path;
}

void EdgeItem::setEndpoints(QPointF from, QPointF to) {
  if (from == from_ && to == to_ && !path_.isEmpty()) return;
  prepareGeometryChange();
  from_ = from;
  to_ = to;
  path_ = curve(from, to);
}

void EdgeItem::setError(const QString& message) {
  if (message == error_) return;
  error_ = message;
  if (!message.isEmpty()) setToolTip(message);
  update();
}

QRectF EdgeItem::boundingRect() const { return path_.controlPointRect().adjusted(-3, -3, 3, 3); }

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker s;
  s.setWidth(8);
  return s.createStroke(path_);
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  const CanvasTheme& th = canvas_.theme();
  double lod = option->levelOfDetailFromTransform(p->worldTransform());
  QColor c = isSelected() ? th.edgeSelected : hasError() ? th.edgeError : th.edge;
  if (lod < 0.03) return;  // the whole graph in view: edges are sub-pixel noise
  if (lod < card::kLodThreshold) {
    p->setRenderHint(QPainter::Antialiasing, false);
    p->setPen(QPen(c, 0));
    p->drawLine(from_, to_);
    return;
  }
  p->setRenderHint(QPainter::Antialiasing, true);
  p->setPen(QPen(c, isSelected() || hasError() ? 2.6 : 1.8,
                 hasError() ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
  p->setBrush(Qt::NoBrush);
  p->drawPath(path_);
}

}  // namespace ncui
