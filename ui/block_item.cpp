#include "ui/block_item.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <cmath>

#include "core/blocks/library.h"
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

QColor blockColour(bool dark) {
  QColor c(0x3b, 0x4a, 0x8c);
  return dark ? c.darker(115) : c;
}

QString valueText(const nc::AttrValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return QString::number(*i);
  if (auto* f = std::get_if<float>(&v)) return QString::number(double(*f), 'g', 3);
  if (auto* ints = std::get_if<std::vector<int64_t>>(&v)) {
    QStringList parts;
    for (int64_t x : *ints) parts << QString::number(x);
    return parts.join(",");
  }
  return QString::fromStdString(nc::attrToString(v));
}

}  // namespace

// ---- BlockItem ----

BlockItem::BlockItem(Document& doc, CanvasContext& canvas, nc::BlockId id)
    : doc_(doc), canvas_(canvas), id_(id) {
  setFlags(ItemIsSelectable);
  setZValue(1);
  refresh();
}

QString BlockItem::paramSummary(const nc::Block& b) {
  // In the library's order; c2 and n always, others only where they differ from the default;
  // flags by name ("c3k", "no shortcut").
  const nc::blocks::BlockType* bt = nc::blocks::findBlockType(b.type);
  QStringList parts;
  if (!bt) {
    for (auto& [k, v] : b.params) parts << QString::fromStdString(k) + "=" + valueText(v);
    return parts.join(' ');
  }
  for (const nc::blocks::BlockParamSpec& p : bt->params) {
    auto it = b.params.find(p.name);
    const nc::AttrValue& v = it != b.params.end() ? it->second : p.defaultValue;
    bool isDefault = nc::attrEquals(v, p.defaultValue);
    const QString name = QString::fromStdString(p.name);
    const int64_t* flag = std::get_if<int64_t>(&v);
    if (flag && p.min == 0 && p.max == 1) {
      if (!isDefault) parts << (*flag ? name : "no " + name);
      continue;
    }
    if (isDefault && p.name != "c2" && p.name != "n") continue;
    if (p.name == "c2" && flag && *flag == 0) continue;  // c2 = 0: as many as the input
    parts << name + "=" + valueText(v);
  }
  return parts.join(' ');
}

void BlockItem::refresh() {
  const nc::Graph& g = doc_.graph();
  const nc::Block* b = g.findBlock(id_);
  if (!b) return;
  ports_ = g.blockPorts(id_);
  const nc::ShapeInfo& si = doc_.shapes();
  caption_ = b->type.empty() ? QObject::tr("Block") : QString::fromStdString(b->type);
  name_ = QString::fromStdString(b->name);
  summary_ = paramSummary(*b);
  std::vector<nc::NodeId> inside = g.blockNodes(id_);
  inLabels_.clear();
  for (const nc::BlockPorts::In& in : ports_.inputs) {
    if (in.source) {
      const nc::Node* src = g.findNode(in.source->node);
      inLabels_ << (src ? QString::fromStdString(src->name) : QStringLiteral("in"));
    } else {
      inLabels_ << QObject::tr("in (unbound)");
    }
  }
  outLabels_.clear();
  for (size_t o = 0; o < ports_.outputs.size(); ++o)
    outLabels_ << (ports_.outputs.size() == 1 ? QStringLiteral("out")
                                              : QStringLiteral("out%1").arg(o));
  shapeText_.clear();
  if (!ports_.outputs.empty())
    if (const nc::TensorType* t = si.type(ports_.outputs.front())) shapeText_ = dimsText(t);
  int64_t params = 0, macs = 0;
  bool macsKnown = true;
  for (nc::NodeId id : inside) {
    nc::NodeStats st = nc::nodeStats(g, id, si);
    params += st.params;
    macs += st.macs;
    macsKnown = macsKnown && st.macsKnown;
  }
  QStringList stats;
  stats << (inside.size() == 1 ? QObject::tr("1 node")
                               : QObject::tr("%1 nodes").arg(inside.size()));
  if (params > 0)
    stats << QObject::tr("%1 params").arg(QString::fromStdString(nc::formatCount(params)));
  if (macsKnown && macs > 0)
    stats << QObject::tr("%1 MACs").arg(QString::fromStdString(nc::formatCount(macs)));
  statsText_ = stats.join(QStringLiteral("  \u00b7  "));
  // The first problem inside the block (shape inference, then evaluation).
  errorText_.clear();
  for (nc::NodeId id : inside) {
    if (const nc::Diagnostic* d = si.diagnosticFor(id)) {
      errorText_ = QString::fromStdString(g.node(id).name + ": " + d->message);
      break;
    }
  }
  if (errorText_.isEmpty())
    for (const nc::Diagnostic& d : doc_.evaluation()->lastReport().errors)
      if (g.nodeInBlock(d.node, id_)) {
        errorText_ = QString::fromStdString(d.message);
        break;
      }
  setToolTip(errorText_.isEmpty() ? QObject::tr("%1 %2 (block, double-click to expand)\n%3%4")
                                        .arg(caption_, name_, summary_,
                                             shapeText_.isEmpty() ? QString() : "\n→ " + shapeText_)
                                  : errorText_);
  double h = card::blockHeight(int(std::max(ports_.inputs.size(), ports_.outputs.size())));
  if (std::abs(h - height_) > 0.01) {
    prepareGeometryChange();
    height_ = h;
  }
  update();
}

int BlockItem::inputIndexOf(nc::PortRef inside) const {
  for (size_t i = 0; i < ports_.inputs.size(); ++i)
    for (const nc::PortRef& t : ports_.inputs[i].targets)
      if (t == inside) return int(i);
  return -1;
}

int BlockItem::outputIndexOf(nc::PortRef inside) const {
  for (size_t o = 0; o < ports_.outputs.size(); ++o)
    if (ports_.outputs[o] == inside) return int(o);
  return -1;
}

QPointF BlockItem::inputPortPos(int port) const {
  return QPointF(0, kHeader + 6 + (port + 0.5) * kPortRow);
}

QPointF BlockItem::outputPortPos(int port) const {
  return QPointF(kWidth, kHeader + 6 + (port + 0.5) * kPortRow);
}

QRectF BlockItem::boundingRect() const { return QRectF(-10, -1, kWidth + 20 + 5, height_ + 7); }

QImage BlockItem::ensureThumbnail() {
  if (ports_.outputs.empty()) return {};
  nc::PortRef out = ports_.outputs.front();
  EvalService* ev = doc_.evaluation();
  quint64 v = ev->nodeVersion(out.node);
  // Keyed like the inside node's own preview (the node is hidden while the block is collapsed).
  if (out.port == 0)
    if (const QImage* cached = canvas_.cachedThumbnail(out.node, v)) return *cached;
  const nc::Tensor* t = ev->output(out);
  QImage img = t && !t->empty() && t->numel() > 0
                   ? channelGrid(*t, QSize(int(kWidth) - 20, int(kThumbH)))
                   : QImage();
  if (out.port == 0) canvas_.cacheThumbnail(out.node, v, img);
  return img;
}

void BlockItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  const CanvasTheme& th = canvas_.theme();
  const bool dark = th.background.lightness() < 128;
  QColor accent = blockColour(dark);
  double lod = option->levelOfDetailFromTransform(p->worldTransform());
  if (lod < 0.4) {
    QRectF r(0, 0, kWidth, height_);
    p->setPen(isSelected() ? QPen(th.nodeSelected, 0) : QPen(th.nodeBorder, 0));
    p->setBrush(th.nodeBody);
    p->drawRect(r);
    p->fillRect(QRectF(0, 0, kWidth, kHeader), errorText_.isEmpty() ? accent : th.error);
    return;
  }
  p->setRenderHint(QPainter::Antialiasing, true);
  paintCard(p, dark, accent);
  paintHeaderText(p);
  paintPorts(p);
  double y = paintTextLines(p);
  paintThumbnail(p, y);
}

// The card (with a second one behind: a block stands for a stack of nodes), header, outline.
void BlockItem::paintCard(QPainter* p, bool dark, const QColor& accent) {
  const CanvasTheme& th = canvas_.theme();
  QRectF r(0, 0, kWidth, height_);
  p->setPen(QPen(th.nodeBorder, 1.0));
  p->setBrush(th.nodeBody.darker(dark ? 80 : 106));
  p->drawRoundedRect(r.translated(4, 4), 7, 7);
  p->setPen(Qt::NoPen);
  p->setBrush(th.nodeBody);
  p->drawRoundedRect(r, 7, 7);
  QPainterPath header;
  header.addRoundedRect(QRectF(0, 0, kWidth, kHeader + 8), 7, 7);
  QPainterPath clip;
  clip.addRect(QRectF(0, 0, kWidth, kHeader));
  p->setBrush(accent);
  p->drawPath(header.intersected(clip));
  QPen border = isSelected() ? QPen(th.nodeSelected, 2.2)
                             : QPen(errorText_.isEmpty() ? accent : th.error, 1.6);
  p->setPen(border);
  p->setBrush(Qt::NoBrush);
  p->drawRoundedRect(r, 7, 7);
}

// Caption with parameter summary, block name, error badge. Leaves the small font set.
void BlockItem::paintHeaderText(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& bold = canvas_.nodeFontBold();
  const QFont& small = canvas_.nodeFontSmall();
  QFontMetricsF fm(bold), fmSmall(small);
  p->setPen(Qt::white);
  p->setFont(bold);
  QString title = fm.elidedText(QStringLiteral("\u25a3 ") + caption_ + "  " + summary_,
                                Qt::ElideRight, kWidth - 20);
  p->drawText(QPointF(10, 16), title);
  p->setFont(small);
  p->setPen(QColor(255, 255, 255, 215));
  p->drawText(QPointF(10, 30), fmSmall.elidedText(name_, Qt::ElideRight, kWidth - 40));
  if (!errorText_.isEmpty()) {
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

// The block's ports (small font); the input a wire being dragged would connect to is ringed.
void BlockItem::paintPorts(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& small = canvas_.nodeFontSmall();
  QFontMetricsF fmSmall(small);
  p->setFont(small);
  auto wt = canvas_.wireTarget();
  int targetPort = wt ? inputIndexOf(*wt) : -1;
  for (int i = 0; i < inputCount(); ++i) {
    QPointF c = inputPortPos(i);
    bool bound = ports_.inputs[size_t(i)].source.has_value();
    p->setPen(QPen(th.portFloat.darker(130), 1.2));
    p->setBrush(bound ? th.portFloat : th.nodeBody);
    p->drawEllipse(c, 4.6, 4.6);
    if (i == targetPort) {
      p->setPen(QPen(th.nodeSelected, 2));
      p->setBrush(Qt::NoBrush);
      p->drawEllipse(c, 8, 8);
    }
    p->setPen(th.text);
    p->drawText(QPointF(10, c.y() + 4),
                fmSmall.elidedText(inLabels_.value(i), Qt::ElideRight, kWidth / 2 - 4));
  }
  for (int o = 0; o < outputCount(); ++o) {
    QPointF c = outputPortPos(o);
    p->setPen(QPen(th.portFloat.darker(130), 1.2));
    p->setBrush(th.portFloat);
    p->drawEllipse(c, 4.6, 4.6);
    p->setPen(th.text);
    QString label = outLabels_.value(o);
    p->drawText(QPointF(kWidth - 10 - fmSmall.horizontalAdvance(label), c.y() + 4), label);
  }
}

// Output shape and stats below the ports; returns the y of the thumbnail area.
double BlockItem::paintTextLines(QPainter* p) {
  const CanvasTheme& th = canvas_.theme();
  const QFont& f = canvas_.nodeFont();
  const QFont& small = canvas_.nodeFontSmall();
  QFontMetricsF fmN(f), fmSmall(small);
  double y = kHeader + 6 + std::max(inputCount(), outputCount()) * kPortRow + 4;
  p->setFont(f);
  p->setPen(th.text);
  p->drawText(QPointF(10, y + 11),
              fmN.elidedText(shapeText_.isEmpty() ? QStringLiteral("shape ?")
                                                  : QStringLiteral("→ ") + shapeText_,
                             Qt::ElideRight, kWidth - 20));
  y += kLine;
  p->setFont(small);
  p->setPen(th.textDim);
  p->drawText(QPointF(10, y + 11), fmSmall.elidedText(statsText_, Qt::ElideRight, kWidth - 20));
  y += kLine * 2 + 4;
  return y;
}

// Thumbnail of the block's first output, or a placeholder while it has no value.
void BlockItem::paintThumbnail(QPainter* p, double y) {
  const CanvasTheme& th = canvas_.theme();
  QRectF area(10, y, kWidth - 20, kThumbH);
  const QImage img = ensureThumbnail();
  paintThumbnailArea(p, area, img, th.nodeBorder, th.textDim, canvas_.nodeFontSmall(),
                     errorText_.isEmpty() && doc_.evaluation()->busy());
}

// ---- BlockFrame ----

BlockFrame::BlockFrame(Document& doc, CanvasContext& canvas, nc::BlockId id)
    : doc_(doc), canvas_(canvas), id_(id) {
  setFlags(ItemIsSelectable);
  refresh();
}

void BlockFrame::refresh() {
  const nc::Block* b = doc_.graph().findBlock(id_);
  if (!b) return;
  QString type = b->type.empty() ? QObject::tr("Block") : QString::fromStdString(b->type);
  QString summary = BlockItem::paramSummary(*b);
  title_ =
      type + "  " + QString::fromStdString(b->name) + (summary.isEmpty() ? "" : "  ·  " + summary);
  // Nested frames are drawn above their parents (all behind the nodes).
  int depth = 0;
  for (nc::BlockId p = b->parent; p != nc::kNoBlock; p = doc_.graph().block(p).parent) ++depth;
  setZValue(-10 + depth * 0.1);
  update();
}

void BlockFrame::setContentRect(const QRectF& r) {
  QRectF next = r.adjusted(-kMargin, -kMargin - kTitle, kMargin, kMargin);
  if (next == rect_ && pos().isNull()) return;
  prepareGeometryChange();
  setPos(0, 0);
  rect_ = next;
  update();
}

QRectF BlockFrame::titleRect() const {
  return QRectF(rect_.topLeft(), QSizeF(rect_.width(), kTitle));
}

QRectF BlockFrame::toggleRect() const {
  return QRectF(rect_.right() - kTitle + 2, rect_.top() + 3, kTitle - 6, kTitle - 6);
}

QRectF BlockFrame::boundingRect() const { return rect_.adjusted(-2, -2, 2, 2); }

QPainterPath BlockFrame::shape() const {
  QPainterPath p;
  p.addRect(titleRect());
  return p;
}

void BlockFrame::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  const CanvasTheme& th = canvas_.theme();
  const bool dark = th.background.lightness() < 128;
  QColor accent = blockColour(dark);
  p->setRenderHint(QPainter::Antialiasing, true);
  QColor fill = accent;
  fill.setAlpha(dark ? 40 : 22);
  p->setPen(QPen(isSelected() ? th.nodeSelected : accent, isSelected() ? 2.2 : 1.4, Qt::DashLine));
  p->setBrush(fill);
  p->drawRoundedRect(rect_, 10, 10);
  QRectF title = titleRect();
  QPainterPath tp;
  tp.addRoundedRect(title, 10, 10);
  p->setPen(Qt::NoPen);
  p->setBrush(accent);
  p->drawPath(tp);
  p->setPen(Qt::white);
  p->setFont(canvas_.nodeFontBold());
  QFontMetricsF fm(canvas_.nodeFontBold());
  p->drawText(title.adjusted(10, 0, -kTitle, 0), Qt::AlignVCenter | Qt::AlignLeft,
              fm.elidedText(QStringLiteral("\u25a3 ") + title_, Qt::ElideRight,
                            title.width() - kTitle - 14));
  // Collapse toggle.
  QRectF t = toggleRect();
  p->setPen(QPen(Qt::white, 1.4));
  p->setBrush(Qt::NoBrush);
  p->drawRoundedRect(t, 3, 3);
  p->drawLine(QPointF(t.left() + 4, t.center().y()), QPointF(t.right() - 4, t.center().y()));
}

}  // namespace ncui
