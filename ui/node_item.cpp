#include "ui/node_item.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <cmath>

#include "core/ops/op.h"
#include "core/ops/registry.h"
#include "core/eval/stats.h"
#include "ui/canvas_context.h"
#include "ui/card_style.h"
#include "ui/document.h"
#include "ui/tensor_image.h"

namespace ncui {

namespace {

using card::kHeader;
using card::kLine;
using card::kPortRow;
using card::kThumbH;

QString shortAttrName(const std::string& n) {
  if (n == "kernel_shape") return "k";
  if (n == "strides") return "s";
  if (n == "pads") return "p";
  if (n == "dilations") return "d";
  if (n == "group") return "g";
  if (n == "epsilon") return "eps";
  return QString::fromStdString(n);
}

QString attrValueText(const nc::AttrValue& v) {
  if (auto* ints = std::get_if<std::vector<int64_t>>(&v)) {
    bool same = !ints->empty();
    for (int64_t x : *ints) same = same && x == ints->front();
    if (same && ints->size() > 1) return QString::number(ints->front());
    QStringList parts;
    for (int64_t x : *ints) parts << QString::number(x);
    return parts.join(QChar(0x00d7));
  }
  if (auto* f = std::get_if<float>(&v)) return QString::number(double(*f), 'g', 4);
  if (std::holds_alternative<nc::Tensor>(v)) {
    const nc::Tensor& t = std::get<nc::Tensor>(v);
    return QString::fromStdString(nc::shapeToString(t.shape()));
  }
  return QString::fromStdString(nc::attrToString(v));
}

}  // namespace

NodeItem::NodeItem(Document& doc, CanvasContext& canvas, nc::NodeId id)
    : doc_(doc), canvas_(canvas), id_(id) {
  setFlags(ItemIsSelectable);
  setAcceptHoverEvents(false);
  // Pixmap caching (DeviceCoordinateCache) is switched by the scene with the zoom level:
  // GraphScene::setItemCaching.
  refresh();
}

void NodeItem::refresh() {
  const nc::Graph& g = doc_.graph();
  const nc::Node* n = g.findNode(id_);
  if (!n) return;
  const nc::OpSpec* spec = nc::findOp(n->op);
  const nc::ShapeInfo& si = doc_.shapes();
  op_ = spec && !spec->caption.empty() ? QString::fromStdString(spec->caption)
                                       : QString::fromStdString(n->op);
  name_ = QString::fromStdString(n->name);
  category_ = spec ? QString::fromStdString(spec->category) : QString();
  refreshPorts(g, *n, spec, si);
  refreshAttrLines(g, *n, spec, si);
  refreshShapeAndStats(g, *n, si);
  refreshDiagnostics(si);
  refreshElided();
  hasThumbArea_ = n->numOutputs > 0;
  double h = card::nodeHeight(int(std::max(inPorts_.size(), outPorts_.size())),
                              int(attrLines_.size()), !statsText_.isEmpty(), hasThumbArea_);
  if (std::abs(h - height_) > 0.01) {
    prepareGeometryChange();
    height_ = h;
  }
  update();
}

void NodeItem::refreshPorts(const nc::Graph& g, const nc::Node& n, const nc::OpSpec* spec,
                            const nc::ShapeInfo& si) {
  inPorts_.clear();
  for (int i = 0; i < int(n.inputs.size()); ++i) {
    Port p;
    if (spec && !spec->inputs.empty()) {
      const nc::PortSpec& ps = spec->inputs[std::min(size_t(i), spec->inputs.size() - 1)];
      p.label = QString::fromStdString(ps.name);
      if (ps.variadic) p.label += QString::number(i - int(spec->inputs.size()) + 1);
      p.param = ps.param;
    }
    const nc::InputBinding& b = n.inputs[size_t(i)];
    p.bound = b.source.has_value() || !b.constant.empty();
    auto t = si.inputType(g, {id_, i});
    p.intType = t && t->dtype == nc::DType::Int64;
    inPorts_.push_back(p);
  }
  outPorts_.clear();
  for (int o = 0; o < n.numOutputs; ++o) {
    Port p;
    if (spec && o < int(spec->outputs.size()))
      p.label = QString::fromStdString(spec->outputs[size_t(o)].name);
    const nc::TensorType* t = si.type({id_, o});
    p.intType = t && t->dtype == nc::DType::Int64;
    p.bound = true;
    outPorts_.push_back(p);
  }
}

// Key attributes: the explicitly set ones, abbreviated; a Conv without kernel_shape shows the
// kernel of its weight. At most two lines.
void NodeItem::refreshAttrLines(const nc::Graph& g, const nc::Node& n, const nc::OpSpec* spec,
                                const nc::ShapeInfo& si) {
  attrLines_.clear();
  QStringList parts;
  for (auto& [k, v] : n.attrs) {
    if (n.op == "Input" && (k == "value" || k == "shape" || k == "dtype")) continue;
    parts << shortAttrName(k) + "=" + attrValueText(v);
  }
  if (spec && n.op.rfind("Conv", 0) == 0 && !n.attrs.count("kernel_shape") &&
      n.inputs.size() > 1) {
    auto w = si.inputType(g, {id_, 1});
    if (w && w->rankKnown && w->dims.size() > 2) {
      QStringList ks;
      for (size_t i = 2; i < w->dims.size(); ++i) ks << QString::number(w->dims[i]);
      parts.prepend("k=" + ks.join(QChar(0x00d7)));
    }
  }
  QString line;
  for (const QString& p : parts) {
    if (!line.isEmpty() && line.size() + p.size() + 2 > 30) {
      attrLines_ << line;
      line.clear();
      if (attrLines_.size() == 2) break;
    }
    line += (line.isEmpty() ? "" : "  ") + p;
  }
  if (!line.isEmpty() && attrLines_.size() < 2) attrLines_ << line;
}

// Output shape (first output; the shape the Output node receives for an Output), parameters
// and MACs.
void NodeItem::refreshShapeAndStats(const nc::Graph& g, const nc::Node& n,
                                    const nc::ShapeInfo& si) {
  shapeText_.clear();
  if (n.numOutputs > 0) {
    if (const nc::TensorType* t = si.type({id_, 0})) shapeText_ = dimsText(t);
  } else if (!n.inputs.empty()) {
    if (auto t = si.inputType(g, {id_, 0})) shapeText_ = dimsText(&*t);
  }
  nc::NodeStats st = nc::nodeStats(g, id_, si);
  QStringList stats;
  if (st.params > 0)
    stats << QString("%1 params").arg(QString::fromStdString(nc::formatCount(st.params)));
  if (st.macsKnown && st.macs > 0)
    stats << QString("%1 MACs").arg(QString::fromStdString(nc::formatCount(st.macs)));
  statsText_ = stats.join(QStringLiteral("  \u00b7  "));
}

// Diagnostics: shape inference first, then evaluation; the tooltip shows the error if any.
void NodeItem::refreshDiagnostics(const nc::ShapeInfo& si) {
  QString err;
  if (const nc::Diagnostic* d = si.diagnosticFor(id_)) err = QString::fromStdString(d->message);
  if (err.isEmpty())
    for (const nc::Diagnostic& d : doc_.evaluation()->lastReport().errors)
      if (d.node == id_) err = QString::fromStdString(d.message);
  errorText_ = err;
  setToolTip(err.isEmpty()
                 ? QString("%1 (%2)%3")
                       .arg(name_, op_, shapeText_.isEmpty() ? QString() : "\n→ " + shapeText_)
                 : err);
}

// Eliding measures text: only when the strings changed.
void NodeItem::refreshElided() {
  if (name_ != elidedFrom_.first || shapeText_ != elidedFrom_.second || nameElided_.isEmpty()) {
    elidedFrom_ = {name_, shapeText_};
    QFontMetricsF fm(canvas_.nodeFont()), fmSmall(canvas_.nodeFontSmall());
    nameElided_ = fmSmall.elidedText(name_, Qt::ElideRight, kWidth - 44);
    shapeElided_ = fm.elidedText(
        shapeText_.isEmpty() ? QStringLiteral("shape ?") : QStringLiteral("→ ") + shapeText_,
        Qt::ElideRight, kWidth - 20);
  }
}

void NodeItem::outputChanged() {
  // The thumbnail re-renders lazily on the next paint.
  update();
}

QRectF NodeItem::boundingRect() const { return QRectF(-10, -1, kWidth + 20, height_ + 2); }

double NodeItem::bodyTop() const { return kHeader + 6; }

QPointF NodeItem::inputPortPos(int port) const {
  return QPointF(0, bodyTop() + (port + 0.5) * kPortRow);
}
QPointF NodeItem::outputPortPos(int port) const {
  return QPointF(kWidth, bodyTop() + (port + 0.5) * kPortRow);
}

std::optional<PortHit> NodeItem::portAt(QPointF pos, double radius) const {
  for (int i = 0; i < int(inPorts_.size()); ++i)
    if (QLineF(pos, inputPortPos(i)).length() <= radius) return PortHit{true, i};
  for (int o = 0; o < int(outPorts_.size()); ++o)
    if (QLineF(pos, outputPortPos(o)).length() <= radius) return PortHit{false, o};
  return std::nullopt;
}

QImage NodeItem::ensureThumbnail() {
  EvalService* ev = doc_.evaluation();
  quint64 v = ev->nodeVersion(id_);
  if (const QImage* cached = canvas_.cachedThumbnail(id_, v)) return *cached;
  const nc::Tensor* t = outPorts_.empty() ? nullptr : ev->output({id_, 0});
  QImage img = t && !t->empty() && t->numel() > 0
                   ? channelGrid(*t, QSize(int(kWidth) - 20, int(kThumbH)))
                   : QImage();
  ++thumbRenders_;
  canvas_.cacheThumbnail(id_, v, img);
  return img;
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  double lod = option->levelOfDetailFromTransform(p->worldTransform());
  if (lod < kLodThreshold)
    paintSimple(p);
  else
    paintFull(p);
}

void NodeItem::paintSimple(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  p->setRenderHint(QPainter::Antialiasing, false);
  QRectF r(0, 0, kWidth, height_);
  p->setPen(isSelected() ? QPen(th.nodeSelected, 0) : QPen(th.nodeBorder, 0));
  p->setBrush(th.nodeBody);
  p->drawRect(r);
  p->fillRect(QRectF(0, 0, kWidth, kHeader), hasError() ? th.error : th.categoryColour(category_));
}

namespace {

// The header shape (rounded top corners), shared by every node.
const QPainterPath& headerPath() {
  static const QPainterPath path = [] {
    const double w = NodeItem::kWidth, h = kHeader, r = 7;
    QPainterPath p;
    p.moveTo(0, h);
    p.lineTo(0, r);
    p.arcTo(QRectF(0, 0, 2 * r, 2 * r), 180, -90);
    p.lineTo(w - r, 0);
    p.arcTo(QRectF(w - 2 * r, 0, 2 * r, 2 * r), 90, -90);
    p.lineTo(w, h);
    p.closeSubpath();
    return p;
  }();
  return path;
}

}  // namespace

void NodeItem::paintFull(QPainter* p) {
  p->setRenderHint(QPainter::Antialiasing, true);
  paintCard(p);
  paintHeaderText(p);
  paintPorts(p);
  double y = paintTextLines(p);
  if (hasThumbArea_) paintThumbnail(p, y);
}

// Body, header in the category colour, outline (selection or error).
void NodeItem::paintCard(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  QRectF r(0, 0, kWidth, height_);
  QColor accent = th.categoryColour(category_);
  QPen border =
      isSelected() ? QPen(th.nodeSelected, 2.2) : QPen(hasError() ? th.error : th.nodeBorder, 1.0);
  p->setPen(Qt::NoPen);
  p->setBrush(th.nodeBody);
  p->drawRoundedRect(r, 7, 7);
  p->setBrush(accent);
  p->drawPath(headerPath());
  p->setPen(border);
  p->setBrush(Qt::NoBrush);
  p->drawRoundedRect(r, 7, 7);
}

// Op caption, node name and the error badge. Leaves the small font set.
void NodeItem::paintHeaderText(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& bold = canvas_.nodeFontBold();
  const QFont& small = canvas_.nodeFontSmall();
  // Text is drawn at baselines (the fast path) from strings elided in refresh().
  p->setPen(Qt::white);
  p->setFont(bold);
  p->drawText(QPointF(10, 16), op_);
  p->setFont(small);
  p->setPen(QColor(255, 255, 255, 215));
  p->drawText(QPointF(10, 30), nameElided_);

  // Error badge.
  if (hasError()) {
    QRectF badge(kWidth - 27, 8, 19, 19);
    p->setPen(QPen(Qt::white, 1.5));
    p->setBrush(th.error);
    p->drawEllipse(badge);
    p->setFont(bold);
    p->setPen(Qt::white);
    p->drawText(badge, Qt::AlignCenter, "!");
    p->setFont(small);
  }
}

// Ports with labels (small font); the input a wire being dragged would connect to is ringed.
void NodeItem::paintPorts(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& small = canvas_.nodeFontSmall();
  p->setFont(small);
  QFontMetricsF fmSmall(small);
  for (int i = 0; i < int(inPorts_.size()); ++i) {
    const Port& pt = inPorts_[size_t(i)];
    QPointF c = inputPortPos(i);
    QColor col = pt.param ? th.portParam : (pt.intType ? th.portInt : th.portFloat);
    p->setPen(QPen(col.darker(130), 1.2));
    p->setBrush(pt.bound ? col : th.nodeBody);
    p->drawEllipse(c, 4.6, 4.6);
    if (auto t = canvas_.wireTarget(); t && t->node == id_ && t->port == i) {
      p->setPen(QPen(th.nodeSelected, 2));
      p->setBrush(Qt::NoBrush);
      p->drawEllipse(c, 8, 8);
    }
    p->setPen(pt.param ? th.textDim : th.text);
    p->drawText(QPointF(10, c.y() + 4), pt.label);
  }
  for (int o = 0; o < int(outPorts_.size()); ++o) {
    const Port& pt = outPorts_[size_t(o)];
    QPointF c = outputPortPos(o);
    QColor col = pt.intType ? th.portInt : th.portFloat;
    p->setPen(QPen(col.darker(130), 1.2));
    p->setBrush(col);
    p->drawEllipse(c, 4.6, 4.6);
    p->setPen(th.text);
    p->drawText(QPointF(kWidth - 10 - fmSmall.horizontalAdvance(pt.label), c.y() + 4), pt.label);
  }
}

// Key attributes, output shape and stats below the ports; returns the y below them.
double NodeItem::paintTextLines(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& f = canvas_.nodeFont();
  const QFont& small = canvas_.nodeFontSmall();
  p->setFont(small);
  double y = bodyTop() + std::max(inPorts_.size(), outPorts_.size()) * kPortRow + 4;
  p->setPen(th.textDim);
  for (const QString& line : attrLines_) {
    p->drawText(QPointF(10, y + 11), line);
    y += kLine;
  }
  p->setPen(th.text);
  p->setFont(f);
  p->drawText(QPointF(10, y + 11), shapeElided_);
  y += kLine;
  if (!statsText_.isEmpty()) {
    p->setFont(small);
    p->setPen(th.textDim);
    p->drawText(QPointF(10, y + 11), statsText_);
    y += kLine;
  }
  return y;
}

// Thumbnail of the output tensor, or a placeholder while it has no value.
void NodeItem::paintThumbnail(QPainter* p, double y) {
  const CanvasTheme& th = canvas_.theme();
  y += 4;
  QRectF area(10, y, kWidth - 20, kThumbH);
  const QImage img = ensureThumbnail();
  if (!img.isNull()) p->setRenderHint(QPainter::SmoothPixmapTransform, false);
  paintThumbnailArea(p, area, img, th.nodeBorder, th.textDim, canvas_.nodeFontSmall(),
                     !hasError() && doc_.evaluation()->busy());
}

}  // namespace ncui
