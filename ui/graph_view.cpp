#include "ui/graph_view.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCompleter>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPixmapCache>
#include <QScrollBar>
#include <QStringListModel>
#include <QTimer>
#include <QWheelEvent>
#include <cmath>

#include "core/ops/registry.h"
#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/graph_scene.h"
#include "ui/node_item.h"

namespace ncui {

namespace {
constexpr char kNodesMime[] = "application/x-netcanvas-nodes";
constexpr double kMinZoom = 0.002, kMaxZoom = 4.0;

QStringList opTypes() {
  QStringList ops;
  for (const nc::OpSpec* s : nc::allOps()) ops << QString::fromStdString(s->type);
  return ops;
}
}  // namespace

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent), scene_(scene), doc_(scene->document()) {
  // Node items cache their drawing per zoom level (DeviceCoordinateCache); give the cache room
  // for a screenful of detailed nodes.
  QPixmapCache::setCacheLimit(std::max(QPixmapCache::cacheLimit(), 192 * 1024));
  setRenderHint(QPainter::Antialiasing);
  setRenderHint(QPainter::TextAntialiasing);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setOptimizationFlags(QGraphicsView::DontSavePainterState |
                       QGraphicsView::DontAdjustForAntialiasing);
  setCacheMode(QGraphicsView::CacheBackground);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setDragMode(QGraphicsView::RubberBandDrag);
  setRubberBandSelectionMode(Qt::IntersectsItemShape);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFrameShape(QFrame::NoFrame);
  setAcceptDrops(true);
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);

  makeAction(Copy, tr("&Copy"), QKeySequence::Copy);
  makeAction(Cut, tr("Cu&t"), QKeySequence::Cut);
  makeAction(Paste, tr("&Paste"), QKeySequence::Paste);
  makeAction(Duplicate, tr("&Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D));
  makeAction(Delete, tr("&Delete"), QKeySequence::Delete);
  makeAction(SelectAll, tr("Select &All"), QKeySequence::SelectAll);
  makeAction(Find, tr("&Find Node…"), QKeySequence::Find);
  makeAction(FrameAll, tr("&Frame All"), QKeySequence(Qt::Key_F));
  makeAction(ZoomIn, tr("Zoom &In"), QKeySequence::ZoomIn);
  makeAction(ZoomOut, tr("Zoom &Out"), QKeySequence::ZoomOut);
  actions_[Delete]->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
  connect(actions_[Copy], &QAction::triggered, this, &GraphView::copySelection);
  connect(actions_[Cut], &QAction::triggered, this, &GraphView::cutSelection);
  connect(actions_[Paste], &QAction::triggered, this, &GraphView::pasteClipboard);
  connect(actions_[Duplicate], &QAction::triggered, this, &GraphView::duplicateSelection);
  connect(actions_[Delete], &QAction::triggered, scene_, &GraphScene::deleteSelection);
  connect(actions_[SelectAll], &QAction::triggered, this, [this] {
    std::vector<nc::NodeId> ids = doc_->graph().nodeIds();
    scene_->selectNodes(ids);
    // Collapsed blocks are selected as themselves.
    for (auto& [bid, b] : doc_->graph().blocks())
      if (BlockItem* item = scene_->blockItem(bid)) item->setSelected(true);
  });
  connect(actions_[Find], &QAction::triggered, this, [this] {
    QStringList words;
    const nc::Graph& g = doc_->graph();
    for (nc::NodeId id : g.nodeIds()) words << QString::fromStdString(g.node(id).name);
    words << opTypes();
    words.removeDuplicates();
    static_cast<QStringListModel*>(find_->completer()->model())->setStringList(words);
    find_->show();
    find_->raise();
    find_->setFocus();
    find_->selectAll();
  });
  connect(actions_[FrameAll], &QAction::triggered, this, &GraphView::frameAll);
  connect(actions_[ZoomIn], &QAction::triggered, this,
          [this] { setZoom(zoom() * 1.25, mapToScene(viewport()->rect().center())); });
  connect(actions_[ZoomOut], &QAction::triggered, this,
          [this] { setZoom(zoom() / 1.25, mapToScene(viewport()->rect().center())); });

  // Quick add.
  quickAdd_ = new QLineEdit(viewport());
  quickAdd_->setPlaceholderText(tr("Add op…"));
  quickAdd_->setFixedWidth(220);
  auto* qc = new QCompleter(opTypes(), quickAdd_);
  qc->setCaseSensitivity(Qt::CaseInsensitive);
  qc->setFilterMode(Qt::MatchContains);
  quickAdd_->setCompleter(qc);
  quickAdd_->hide();
  quickAdd_->installEventFilter(this);
  connect(quickAdd_, &QLineEdit::returnPressed, this, &GraphView::commitQuickAdd);

  // Find.
  find_ = new QLineEdit(this);
  find_->setPlaceholderText(tr("Find node by name or op (Enter: next)"));
  find_->setFixedWidth(300);
  auto* fc = new QCompleter(new QStringListModel(find_), find_);
  fc->setCaseSensitivity(Qt::CaseInsensitive);
  fc->setFilterMode(Qt::MatchContains);
  find_->setCompleter(fc);
  find_->hide();
  find_->installEventFilter(this);
  connect(find_, &QLineEdit::returnPressed, this, [this] {
    if (!findNext(find_->text()))
      Q_EMIT scene_->statusMessage(tr("No node matches '%1'").arg(find_->text()));
  });

  // An expanded block's frame comes into sight (zoomed out just enough if it is larger).
  connect(scene_, &GraphScene::showRectRequested, this, [this](const QRectF& r) {
    QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    if (visible.contains(r)) return;
    QRectF want = r.adjusted(-40, -40, 40, 40);
    if (want.width() > visible.width() || want.height() > visible.height()) {
      fitInView(want, Qt::KeepAspectRatio);
      if (zoom() < kMinZoom) setTransform(QTransform::fromScale(kMinZoom, kMinZoom));
    }
    centerOn(want.center());
    zoomApplied();
  });
  minimap_ = new Minimap(this);
  placeOverlays();
}

QAction* GraphView::makeAction(Action a, const QString& text, const QKeySequence& key) {
  auto* act = new QAction(text, this);
  act->setShortcut(key);
  act->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  addAction(act);
  actions_[a] = act;
  return act;
}

double GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(double z, QPointF anchor) {
  z = std::clamp(z, kMinZoom, kMaxZoom);
  QPoint before = mapFromScene(anchor);
  setTransform(QTransform::fromScale(z, z));
  // Keep the anchor under the same viewport point.
  QPointF after = mapToScene(before);
  QPointF d = anchor - after;
  centerOn(mapToScene(viewport()->rect().center()) + d);
  zoomApplied();
}

void GraphView::zoomApplied() {
  scene_->setItemCaching(zoom() >= NodeItem::kLodThreshold);
  Q_EMIT zoomChanged(zoom());
  minimap_->update();
}

void GraphView::frameAll() {
  QRectF r = scene_->contentRect().adjusted(-60, -60, 60, 60);
  fitInView(r, Qt::KeepAspectRatio);
  double z = zoom();
  if (z > 1.2)
    setTransform(QTransform::fromScale(1.2, 1.2));
  else if (z < kMinZoom)
    setTransform(QTransform::fromScale(kMinZoom, kMinZoom));
  centerOn(r.center());
  zoomApplied();
}

void GraphView::centerOnNode(nc::NodeId id) {
  // A node hidden in a collapsed block: the block.
  if (nc::BlockId b = doc_->graph().visibleBlock(id); b != nc::kNoBlock)
    if (BlockItem* item = scene_->blockItem(b)) {
      if (zoom() < 0.6) setTransform(QTransform::fromScale(0.8, 0.8));
      centerOn(item->sceneBoundingRect().center());
      zoomApplied();
      return;
    }
  if (NodeItem* n = scene_->nodeItem(id)) {
    if (zoom() < 0.6) setTransform(QTransform::fromScale(0.8, 0.8));
    centerOn(n->sceneBoundingRect().center());
    zoomApplied();
  }
}

void GraphView::copySelection() {
  auto ids = scene_->selectedNodesDeep();  // selected blocks travel with their nodes
  if (ids.empty()) return;
  auto* md = new QMimeData;
  QByteArray payload = doc_->copy(ids);
  md->setData(kNodesMime, payload);
  md->setText(QString::fromUtf8(payload));
  QApplication::clipboard()->setMimeData(md);
  pasteCount_ = 0;
}

void GraphView::cutSelection() {
  copySelection();
  scene_->deleteSelection();
}

void GraphView::pasteClipboard() {
  const QMimeData* md = QApplication::clipboard()->mimeData();
  if (!md) return;
  QByteArray payload = md->hasFormat(kNodesMime) ? md->data(kNodesMime) : md->text().toUtf8();
  ++pasteCount_;
  auto ids = doc_->paste(payload, QPointF(40, 40) * pasteCount_);
  if (!ids.empty()) scene_->selectShown(ids);
}

void GraphView::duplicateSelection() {
  auto ids = doc_->duplicate(scene_->selectedNodesDeep());
  if (!ids.empty()) scene_->selectShown(ids);
}

bool GraphView::findNext(const QString& text) {
  QString t = text.trimmed();
  if (t.isEmpty()) return false;
  if (t != findText_) {
    findText_ = t;
    findIndex_ = -1;
  }
  const nc::Graph& g = doc_->graph();
  std::vector<nc::NodeId> ids = g.nodeIds();
  std::vector<nc::NodeId> hits;
  // Exact name matches first, then substrings of name or op.
  for (nc::NodeId id : ids)
    if (QString::fromStdString(g.node(id).name).compare(t, Qt::CaseInsensitive) == 0)
      hits.push_back(id);
  for (nc::NodeId id : ids) {
    const nc::Node& n = g.node(id);
    if (std::find(hits.begin(), hits.end(), id) != hits.end()) continue;
    if (QString::fromStdString(n.name).contains(t, Qt::CaseInsensitive) ||
        QString::fromStdString(n.op).contains(t, Qt::CaseInsensitive))
      hits.push_back(id);
  }
  if (hits.empty()) return false;
  findIndex_ = (findIndex_ + 1) % int(hits.size());
  nc::NodeId id = hits[size_t(findIndex_)];
  if (nc::BlockId b = g.visibleBlock(id); b != nc::kNoBlock)
    scene_->selectBlocks({b});
  else
    scene_->selectNodes({id});
  centerOnNode(id);
  return true;
}

void GraphView::openQuickAdd(QPoint pos, const QString& text) {
  quickAddScenePos_ = mapToScene(pos);
  QPoint p = pos;
  p.setX(std::clamp(p.x(), 0, std::max(0, viewport()->width() - quickAdd_->width())));
  p.setY(std::clamp(p.y(), 0, std::max(0, viewport()->height() - quickAdd_->height())));
  quickAdd_->move(p);
  quickAdd_->setText(text);
  quickAdd_->show();
  quickAdd_->raise();
  quickAdd_->setFocus();
  if (!text.isEmpty()) quickAdd_->completer()->complete();
}

void GraphView::commitQuickAdd() {
  QString t = quickAdd_->text().trimmed();
  QString chosen;
  for (const QString& op : opTypes())
    if (op.compare(t, Qt::CaseInsensitive) == 0) chosen = op;
  if (chosen.isEmpty())
    for (const QString& op : opTypes())
      if (op.contains(t, Qt::CaseInsensitive)) {
        chosen = op;
        break;
      }
  quickAdd_->hide();
  setFocus();
  if (chosen.isEmpty()) {
    Q_EMIT scene_->statusMessage(tr("No op matches '%1'").arg(t));
    return;
  }
  nc::NodeId id = doc_->addNode(chosen, quickAddScenePos_ - QPointF(NodeItem::kWidth / 2, 18));
  if (id != nc::kNoNode) scene_->selectNodes({id});
}

bool GraphView::eventFilter(QObject* o, QEvent* e) {
  if ((o == quickAdd_ || o == find_) && e->type() == QEvent::KeyPress) {
    auto* k = static_cast<QKeyEvent*>(e);
    if (k->key() == Qt::Key_Escape) {
      static_cast<QWidget*>(o)->hide();
      setFocus();
      return true;
    }
  }
  if (o == quickAdd_ && e->type() == QEvent::FocusOut &&
      !quickAdd_->completer()->popup()->isVisible())
    quickAdd_->hide();
  return QGraphicsView::eventFilter(o, e);
}

void GraphView::wheelEvent(QWheelEvent* e) {
  double steps = e->angleDelta().y() / 120.0;
  if (steps == 0) return;
  setZoom(zoom() * std::pow(1.18, steps), mapToScene(e->position().toPoint()));
  e->accept();
}

void GraphView::mousePressEvent(QMouseEvent* e) {
  if (e->button() == Qt::MiddleButton) {
    panning_ = true;
    panLast_ = e->position().toPoint();
    viewport()->setCursor(Qt::ClosedHandCursor);
    e->accept();
    return;
  }
  if (quickAdd_->isVisible()) quickAdd_->hide();
  QGraphicsView::mousePressEvent(e);
}

void GraphView::mouseMoveEvent(QMouseEvent* e) {
  if (panning_) {
    QPoint d = e->position().toPoint() - panLast_;
    panLast_ = e->position().toPoint();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    e->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(e);
}

void GraphView::mouseReleaseEvent(QMouseEvent* e) {
  if (panning_ && e->button() == Qt::MiddleButton) {
    panning_ = false;
    viewport()->unsetCursor();
    e->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(e);
}

void GraphView::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
    spaceHeld_ = true;
    setDragMode(QGraphicsView::ScrollHandDrag);
    setInteractive(false);
    e->accept();
    return;
  }
  if (e->key() == Qt::Key_Escape) {
    scene_->clearSelection();
    return;
  }
  bool plain = !(e->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
  if (plain && (e->key() == Qt::Key_Tab || (!e->text().isEmpty() && e->text().at(0).isLetter()))) {
    QPoint at = viewport()->mapFromGlobal(QCursor::pos());
    if (!viewport()->rect().contains(at)) at = viewport()->rect().center();
    openQuickAdd(at, e->key() == Qt::Key_Tab ? QString() : e->text());
    e->accept();
    return;
  }
  QGraphicsView::keyPressEvent(e);
}

void GraphView::keyReleaseEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Space && !e->isAutoRepeat() && spaceHeld_) {
    spaceHeld_ = false;
    setDragMode(QGraphicsView::RubberBandDrag);
    setInteractive(true);
    e->accept();
    return;
  }
  QGraphicsView::keyReleaseEvent(e);
}

bool GraphView::focusNextPrevChild(bool next) {
  if (quickAdd_->isVisible() || find_->isVisible()) return QGraphicsView::focusNextPrevChild(next);
  return false;  // Tab opens quick-add on the canvas
}

void GraphView::resizeEvent(QResizeEvent* e) {
  QGraphicsView::resizeEvent(e);
  placeOverlays();
}

void GraphView::scrollContentsBy(int dx, int dy) {
  QGraphicsView::scrollContentsBy(dx, dy);
  minimap_->update();
  Q_EMIT viewportMoved();
}

void GraphView::placeOverlays() {
  int w = std::clamp(width() / 5, 140, 240), h = w * 2 / 3;
  minimap_->setGeometry(width() - w - 12, height() - h - 12, w, h);
  find_->move(12, 12);
}

// ---- Minimap ----

Minimap::Minimap(GraphView* view) : QWidget(view), view_(view) {
  setCursor(Qt::PointingHandCursor);
  setAttribute(Qt::WA_OpaquePaintEvent);
  timer_ = new QTimer(this);
  timer_->setSingleShot(true);
  timer_->setInterval(250);
  connect(timer_, &QTimer::timeout, this, [this] { update(); });
  Document* doc = view->graphScene()->document();
  GraphSignals* s = doc->graphSignals();
  for (auto sig : {&GraphSignals::nodeAddedSignal, &GraphSignals::nodeRemovedSignal,
                   &GraphSignals::nodeMovedSignal})
    connect(s, sig, this, &Minimap::invalidate);
  connect(s, &GraphSignals::graphReset, this, &Minimap::invalidate);
  connect(s, &GraphSignals::connectionAddedSignal, this, &Minimap::invalidate);
  connect(s, &GraphSignals::connectionRemovedSignal, this, &Minimap::invalidate);
  connect(doc, &Document::shapesChanged, this, &Minimap::invalidate);
}

void Minimap::invalidate() {
  stale_ = true;
  if (!timer_->isActive()) timer_->start();
}

QRectF Minimap::mapRect() const {
  QRectF r = view_->graphScene()->contentRect().adjusted(-80, -80, 80, 80);
  // Match the widget's aspect ratio.
  double ar = double(width()) / std::max(1, height());
  if (r.width() / r.height() > ar) {
    double h = r.width() / ar;
    r.adjust(0, -(h - r.height()) / 2, 0, (h - r.height()) / 2);
  } else {
    double w = r.height() * ar;
    r.adjust(-(w - r.width()) / 2, 0, (w - r.width()) / 2, 0);
  }
  return r;
}

void Minimap::ensureRendered() {
  if (!stale_ && cache_.size() == size() * devicePixelRatioF()) return;
  stale_ = false;
  cacheRect_ = mapRect();
  qreal dpr = devicePixelRatioF();
  cache_ = QPixmap(size() * dpr);
  cache_.setDevicePixelRatio(dpr);
  GraphScene* s = view_->graphScene();
  const CanvasTheme& th = s->theme();
  cache_.fill(th.background);
  // Drawn from the model and item rectangles (not scene->render): 10,000 nodes in a few ms.
  QPainter p(&cache_);
  double sx = width() / cacheRect_.width(), sy = height() / cacheRect_.height();
  auto map = [&](QPointF q) {
    return QPointF((q.x() - cacheRect_.left()) * sx, (q.y() - cacheRect_.top()) * sy);
  };
  const nc::Graph& g = s->document()->graph();
  QColor edge = th.edge;
  edge.setAlpha(110);
  p.setPen(QPen(edge, 0));
  if (g.size() <= 3000) {
    QVector<QLineF> lines;
    for (const nc::ConnectionId& c : g.connections())
      if (EdgeItem* e = s->edgeItem(c); e && e->isVisible())
        lines.append(QLineF(map(s->outputPortScenePos(c.from)), map(s->inputPortScenePos(c.to))));
    p.drawLines(lines);
  }
  p.setPen(Qt::NoPen);
  for (auto& [bid, b] : g.blocks())
    if (BlockItem* item = s->blockItem(bid)) {
      QRectF r = item->sceneBoundingRect();
      QRectF m(map(r.topLeft()), map(r.bottomRight()));
      p.fillRect(m, QColor(0x3b, 0x4a, 0x8c));
    }
  for (nc::NodeId id : g.nodeIds()) {
    NodeItem* item = s->nodeItem(id);
    if (!item || !item->isVisible()) continue;
    QRectF r = item->sceneBoundingRect();
    QRectF m(map(r.topLeft()), map(r.bottomRight()));
    if (m.width() < 1.5) m.setWidth(1.5);
    if (m.height() < 1.5) m.setHeight(1.5);
    p.fillRect(m, item->hasError() ? th.error
                                   : th.categoryColour(QString::fromStdString(item->category())));
  }
}

void Minimap::paintEvent(QPaintEvent*) {
  ensureRendered();
  QPainter p(this);
  p.drawPixmap(0, 0, cache_);
  const CanvasTheme& th = view_->graphScene()->theme();
  // Visible area of the main view.
  QRectF vis = view_->mapToScene(view_->viewport()->rect()).boundingRect();
  double sx = width() / cacheRect_.width(), sy = height() / cacheRect_.height();
  QRectF v((vis.left() - cacheRect_.left()) * sx, (vis.top() - cacheRect_.top()) * sy,
           vis.width() * sx, vis.height() * sy);
  QColor fill = th.nodeSelected;
  fill.setAlpha(40);
  p.setPen(QPen(th.nodeSelected, 1.5));
  p.setBrush(fill);
  p.drawRect(v.intersected(QRectF(rect()).adjusted(1, 1, -1, -1)));
  p.setPen(QPen(th.nodeBorder, 1));
  p.setBrush(Qt::NoBrush);
  p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
}

QPointF Minimap::toScene(QPointF w) const {
  return QPointF(cacheRect_.left() + w.x() / width() * cacheRect_.width(),
                 cacheRect_.top() + w.y() / height() * cacheRect_.height());
}

void Minimap::mousePressEvent(QMouseEvent* e) {
  view_->centerOn(toScene(e->position()));
  update();
}

void Minimap::mouseMoveEvent(QMouseEvent* e) {
  if (e->buttons() & Qt::LeftButton) {
    view_->centerOn(toScene(e->position()));
    update();
  }
}

}  // namespace ncui
