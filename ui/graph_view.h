#pragma once
// The canvas view: wheel zoom around the cursor, pan with the middle button or Space+drag,
// F frames all, rubber-band selection, and the editing actions (copy, paste, duplicate,
// delete, select all, find, zoom) with their conventional shortcuts. Typing a letter or Tab
// opens the quick-add box (op types with completion) at the cursor; Ctrl+F the find box
// (node names and op types). A minimap overlay sits in the bottom-right corner.
#include <QGraphicsView>
#include <QPointer>

#include "core/graph/graph.h"

class QLineEdit;

namespace ncui {

class Document;
class GraphScene;
class Minimap;

class GraphView : public QGraphicsView {
  Q_OBJECT
 public:
  enum Action {
    Copy,
    Cut,
    Paste,
    Duplicate,
    Delete,
    SelectAll,
    Find,
    FrameAll,
    ZoomIn,
    ZoomOut,
    ActionCount
  };

  explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);
  GraphScene* graphScene() const { return scene_; }
  QAction* action(Action a) const { return actions_[a]; }
  Minimap* minimap() const { return minimap_; }

  double zoom() const;
  void setZoom(double z, QPointF sceneAnchor);
  void frameAll();
  void centerOnNode(nc::NodeId id);

  void copySelection();
  void cutSelection();
  void pasteClipboard();
  void duplicateSelection();
  // Finds the next node whose name or op contains `text` (case-insensitive), selects and
  // centres it; false if none.
  bool findNext(const QString& text);
  // Opens the quick-add box at a viewport position, prefilled with `text`.
  void openQuickAdd(QPoint viewportPos, const QString& text = {});
  QLineEdit* quickAddBox() const { return quickAdd_; }
  QLineEdit* findBox() const { return find_; }

 Q_SIGNALS:
  void zoomChanged(double zoom);
  void viewportMoved();

 protected:
  void wheelEvent(QWheelEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void keyReleaseEvent(QKeyEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;
  void scrollContentsBy(int dx, int dy) override;
  bool focusNextPrevChild(bool next) override;
  bool eventFilter(QObject* o, QEvent* e) override;

 private:
  void placeOverlays();
  // After any transform change: item caching and listeners follow the zoom.
  void zoomApplied();
  void commitQuickAdd();
  QAction* makeAction(Action a, const QString& text, const QKeySequence& key);

  GraphScene* scene_;
  Document* doc_;
  QAction* actions_[ActionCount] = {};
  Minimap* minimap_;
  QLineEdit* quickAdd_;
  QPointF quickAddScenePos_;
  QLineEdit* find_;
  int findIndex_ = -1;
  QString findText_;
  bool panning_ = false;
  bool spaceHeld_ = false;
  QPoint panLast_;
  int pasteCount_ = 0;
};

// A small overview of the whole graph (rendered into a cached pixmap when the graph changes)
// with the visible area outlined; click or drag to move the main view there.
class Minimap : public QWidget {
  Q_OBJECT
 public:
  explicit Minimap(GraphView* view);
  void invalidate();
  // Re-renders now if stale (tests, benchmark).
  void ensureRendered();

 protected:
  void paintEvent(QPaintEvent*) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;

 private:
  QRectF mapRect() const;  // scene rect shown
  QPointF toScene(QPointF widgetPos) const;
  GraphView* view_;
  QPixmap cache_;
  QRectF cacheRect_;
  bool stale_ = true;
  QTimer* timer_;
};

}  // namespace ncui
