#pragma once
// Composite blocks on the canvas. A collapsed block is one BlockItem (beside NodeItem): block
// type and name, a parameter summary ("C3k2 c2=64 n=1"), the ports of Graph::blockPorts, the
// output shape, parameter count and a preview of its first output. An expanded block is a
// BlockFrame drawn behind its nodes: a titled backdrop with a collapse toggle. Both hold only
// the block id and the document; GraphScene creates, refreshes and removes them when the model
// changes, and hands them its CanvasContext (colours, fonts, thumbnail cache). A block card's
// size is ui/card_geometry's.
#include <QGraphicsItem>
#include <QImage>
#include <QStringList>

#include "core/graph/graph.h"
#include "ui/card_geometry.h"

namespace ncui {

class CanvasContext;
class Document;

class BlockItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 3 };
  static constexpr double kWidth = card::kWidth;

  BlockItem(Document& doc, CanvasContext& canvas, nc::BlockId id);
  // "c2=64 n=1 shortcut" (parametric blocks), or the node count of a plain group.
  static QString paramSummary(const nc::Block& b);
  int type() const override { return Type; }
  nc::BlockId blockId() const { return id_; }

  void refresh();  // re-reads the block, its ports and shapes
  const nc::BlockPorts& ports() const { return ports_; }
  int inputCount() const { return int(ports_.inputs.size()); }
  int outputCount() const { return int(ports_.outputs.size()); }
  // The block port showing an inside input port / inside output port (-1: none).
  int inputIndexOf(nc::PortRef inside) const;
  int outputIndexOf(nc::PortRef inside) const;
  QPointF inputPortPos(int port) const;
  QPointF outputPortPos(int port) const;
  QString caption() const { return caption_; }
  QString summary() const { return summary_; }
  QImage ensureThumbnail();

  QRectF boundingRect() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  // paint's steps at full detail, top to bottom.
  void paintCard(QPainter* p, bool dark, const QColor& accent);
  void paintHeaderText(QPainter* p);
  void paintPorts(QPainter* p);
  double paintTextLines(QPainter* p);
  void paintThumbnail(QPainter* p, double y);

  Document& doc_;
  CanvasContext& canvas_;
  nc::BlockId id_;
  nc::BlockPorts ports_;
  QStringList inLabels_, outLabels_;
  QString caption_, name_, summary_, shapeText_, statsText_, errorText_;
  double height_ = 120;
};

class BlockFrame : public QGraphicsItem {
 public:
  enum { Type = UserType + 4 };
  static constexpr double kTitle = 24, kMargin = 14;

  BlockFrame(Document& doc, CanvasContext& canvas, nc::BlockId id);
  int type() const override { return Type; }
  nc::BlockId blockId() const { return id_; }
  // The frame around these scene rectangles (its members' items).
  void setContentRect(const QRectF& r);
  void refresh();
  QRectF titleRect() const;   // scene coordinates
  QRectF toggleRect() const;  // the collapse button, scene coordinates

  QRectF boundingRect() const override;
  // Only the title bar takes clicks; the body lets rubber-band selection start inside it.
  QPainterPath shape() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  Document& doc_;
  CanvasContext& canvas_;
  nc::BlockId id_;
  QRectF rect_;
  QString title_;
};

}  // namespace ncui
