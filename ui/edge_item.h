#pragma once
// A connection drawn as a cubic curve from an output port to an input port. Holds only its
// ConnectionId; endpoints come from the node items, colours from the scene's CanvasContext.
// Drawn in the error colour (with the diagnostic as tooltip) when shape inference rejects the
// input it feeds.
#include <QGraphicsItem>
#include <QPainterPath>

#include "core/graph/graph.h"

namespace ncui {

class CanvasContext;

class EdgeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 2 };
  EdgeItem(const nc::ConnectionId& c, const CanvasContext& canvas);
  int type() const override { return Type; }
  const nc::ConnectionId& connection() const { return c_; }

  void setEndpoints(QPointF from, QPointF to);
  QPointF fromPos() const { return from_; }
  QPointF toPos() const { return to_; }
  void setError(const QString& message);
  bool hasError() const { return !error_.isEmpty(); }

  static QPainterPath curve(QPointF from, QPointF to);

  QRectF boundingRect() const override;
  QPainterPath shape() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  const CanvasContext& canvas_;
  nc::ConnectionId c_;
  QPointF from_, to_;
  QPainterPath path_;
  QString error_;
};

}  // namespace ncui
