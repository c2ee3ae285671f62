#pragma once
// A node on the canvas. It holds only its id and a reference to the document (the model); all
// it shows is read from the model: op, name, key attributes, output shape, parameters and MACs,
// a thumbnail of its output tensor (rendered lazily when painted, cached per tensor version),
// typed ports, and an error badge carrying the diagnostic as tooltip. Created and destroyed by
// GraphScene on model notifications only; colours, fonts and the thumbnail cache come from the
// scene's CanvasContext. Zoomed out (< 0.4) it is drawn as a plain box. Its size is
// ui/card_geometry's.
#include <QGraphicsItem>
#include <QImage>
#include <QStringList>
#include <optional>

#include "core/graph/graph.h"
#include "ui/card_geometry.h"

namespace nc {
struct ShapeInfo;
}

namespace ncui {

class CanvasContext;
class Document;

struct PortHit {
  bool input = false;
  int index = 0;
};

class NodeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 1 };
  static constexpr double kWidth = card::kWidth;
  static constexpr double kLodThreshold = card::kLodThreshold;

  NodeItem(Document& doc, CanvasContext& canvas, nc::NodeId id);
  int type() const override { return Type; }
  nc::NodeId nodeId() const { return id_; }

  // Re-reads the model (name, attributes, shapes, diagnostics). Cheap when nothing changed.
  void refresh();
  // The output tensor changed (a new evaluation result).
  void outputChanged();

  QRectF boundingRect() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  // Port centres in item coordinates.
  QPointF inputPortPos(int port) const;
  QPointF outputPortPos(int port) const;
  std::optional<PortHit> portAt(QPointF itemPos, double radius = 9) const;
  int inputCount() const { return int(inPorts_.size()); }
  int outputCount() const { return int(outPorts_.size()); }
  bool hasError() const { return !errorText_.isEmpty(); }
  QString errorText() const { return errorText_; }
  QString shapeText() const { return shapeText_; }
  std::string category() const { return category_.toStdString(); }
  // The thumbnail of the current output, rendered now if it is not cached (paint does this for
  // visible items only). Thumbnails live in the scene's memory-bounded cache, keyed by node and
  // output version, so panning over a huge graph does not keep one image per node.
  QImage ensureThumbnail();
  quint64 renderedThumbnails() const { return thumbRenders_; }

 private:
  struct Port {
    QString label;
    bool param = false;
    bool intType = false;
    bool bound = false;  // input: connected or constant
  };
  // refresh's steps, each reading the model for one part of the card.
  void refreshPorts(const nc::Graph& g, const nc::Node& n, const nc::OpSpec* spec,
                    const nc::ShapeInfo& si);
  void refreshAttrLines(const nc::Graph& g, const nc::Node& n, const nc::OpSpec* spec,
                        const nc::ShapeInfo& si);
  void refreshShapeAndStats(const nc::Graph& g, const nc::Node& n, const nc::ShapeInfo& si);
  void refreshDiagnostics(const nc::ShapeInfo& si);
  void refreshElided();
  double bodyTop() const;
  void paintFull(QPainter* p);
  // paintFull's steps, top to bottom.
  void paintCard(QPainter* p);
  void paintHeaderText(QPainter* p);
  void paintPorts(QPainter* p);
  double paintTextLines(QPainter* p);
  void paintThumbnail(QPainter* p, double y);
  void paintSimple(QPainter* p);

  Document& doc_;
  CanvasContext& canvas_;
  nc::NodeId id_;
  double height_ = 80;
  QString op_, name_, category_, shapeText_, statsText_, errorText_;
  QString nameElided_, shapeElided_;
  std::pair<QString, QString> elidedFrom_;
  QStringList attrLines_;
  std::vector<Port> inPorts_, outPorts_;
  bool hasThumbArea_ = false;
  quint64 thumbRenders_ = 0;
};

}  // namespace ncui
