#include "app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyleFactory>
#include <QTimer>
#include <QToolButton>
#include <QUndoView>
#include <optional>

#include "core/base/error.h"
#include "core/tensor/npy.h"
#include "core/eval/stats.h"
#include "ui/block_inspector.h"
#include "ui/document.h"
#include "ui/graph_scene.h"
#include "ui/graph_view.h"
#include "ui/image_input.h"
#include "ui/inspector_widget.h"
#include "ui/node_item.h"
#include "ui/palette_widget.h"
#include "ui/problems_panel.h"
#include "ui/tensor_view.h"

using namespace ncui;

namespace {

QPalette darkPalette() {
  QPalette p;
  QColor base(0x25, 0x27, 0x2b), window(0x2d, 0x30, 0x35), text(0xe6, 0xe8, 0xeb),
      dim(0x8a, 0x90, 0x99);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd8));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::PlaceholderText, dim);
  p.setColor(QPalette::Disabled, QPalette::Text, dim);
  p.setColor(QPalette::Disabled, QPalette::ButtonText, dim);
  p.setColor(QPalette::Disabled, QPalette::WindowText, dim);
  return p;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  doc_ = new Document(this);
  scene_ = new GraphScene(doc_, this);
  view_ = new GraphView(scene_, this);
  setCentralWidget(view_);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

  // Status bar: totals, evaluation progress with Cancel, zoom.
  totals_ = new QLabel(this);
  evalLabel_ = new QLabel(this);
  evalLabel_->setObjectName("evalStatus");
  progress_ = new QProgressBar(this);
  progress_->setObjectName("evalProgress");
  progress_->setMaximumWidth(160);
  progress_->setTextVisible(true);
  progress_->hide();
  cancelEval_ = new QToolButton(this);
  cancelEval_->setObjectName("evalCancel");
  cancelEval_->setText(tr("Cancel"));
  cancelEval_->setToolTip(tr("Cancel the running evaluation"));
  cancelEval_->hide();
  zoomLabel_ = new QLabel(this);
  for (QLabel* l : {evalLabel_, totals_, zoomLabel_}) l->setContentsMargins(10, 0, 10, 0);
  statusBar()->addPermanentWidget(evalLabel_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancelEval_);
  statusBar()->addPermanentWidget(totals_);
  statusBar()->addPermanentWidget(zoomLabel_);
  connect(cancelEval_, &QToolButton::clicked, doc_->evaluation(), &EvalService::cancel);
  progressDelay_ = new QTimer(this);
  progressDelay_->setSingleShot(true);
  progressDelay_->setInterval(300);  // only long evaluations show a progress bar
  connect(progressDelay_, &QTimer::timeout, this, [this] {
    if (doc_->evaluation()->busy()) {
      progress_->show();
      cancelEval_->show();
    }
  });
  EvalService* ev = doc_->evaluation();
  connect(ev, &EvalService::started, this, [this] {
    evalLabel_->setText(tr("Evaluating…"));
    if (!progressDelay_->isActive() && !progress_->isVisible()) progressDelay_->start();
  });
  connect(ev, &EvalService::progress, this, [this](int done, int total) {
    progress_->setMaximum(std::max(1, total));
    progress_->setValue(done);
  });
  auto idle = [this] {
    progressDelay_->stop();
    progress_->hide();
    cancelEval_->hide();
  };
  connect(ev, &EvalService::finished, this, idle);
  connect(ev, &EvalService::cancelled, this, [this, idle] {
    idle();
    evalLabel_->setText(tr("Evaluation cancelled"));
  });
  connect(doc_, &Document::evaluated, this, &MainWindow::onEvaluated);
  connect(doc_, &Document::shapesChanged, this, &MainWindow::updateTotals);
  connect(doc_, &Document::message, this,
          [this](const QString& m) { statusBar()->showMessage(m, 6000); });
  connect(scene_, &GraphScene::statusMessage, this,
          [this](const QString& m) { statusBar()->showMessage(m, 6000); });
  connect(doc_, &Document::modifiedChanged, this, &MainWindow::updateTitle);
  connect(doc_, &Document::pathChanged, this, &MainWindow::updateTitle);
  connect(view_, &GraphView::zoomChanged, this,
          [this](double z) { zoomLabel_->setText(QString("%1%").arg(qRound(z * 100))); });
  connect(scene_, &GraphScene::currentNodeChanged, this, &MainWindow::showNode);
  connect(scene_, &GraphScene::currentBlockChanged, this, &MainWindow::showBlock);
  connect(scene_, &GraphScene::renameBlockRequested, this, [this](nc::BlockId id) {
    scene_->selectBlocks({id});
    blockInspector_->nameEdit()->setFocus();
    blockInspector_->nameEdit()->selectAll();
  });
  connect(scene_, &GraphScene::saveBlockRequested, this,
          [this](nc::BlockId id) { saveBlockToLibrary(id); });

  buildActions();
  buildDocks();

  autosave_ = new QTimer(this);
  autosave_->setInterval(60 * 1000);
  connect(autosave_, &QTimer::timeout, this, [this] {
    try {
      if (doc_->autosave(recoveryDir())) statusBar()->showMessage(tr("Autosaved"), 2000);
    } catch (const std::exception& e) {
      statusBar()->showMessage(tr("Autosave failed: %1").arg(e.what()), 6000);
    }
  });
  autosave_->start();

  QSettings s;
  if (!restoreGeometry(s.value("window/geometry").toByteArray())) resize(1440, 900);
  restoreState(s.value("window/state").toByteArray());
  setDarkTheme(s.value("view/dark", false).toBool(), false);
  updateTitle();
  updateTotals();
  zoomLabel_->setText("100%");
}

MainWindow::~MainWindow() {
  // Panels die with the window; stop the canvas and document from notifying them.
  scene_->disconnect(this);
  doc_->disconnect(this);
}

QString MainWindow::recoveryDir() {
  return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/recovery";
}

void MainWindow::buildActions() {
  // (docks are added to the View menu by buildDocks)
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New"), QKeySequence::New, this, &MainWindow::newFile);
  QMenu* templates = file->addMenu(tr("New from &Template"));
  templates->addAction(tr("YOLO11n (detection, 640×640)"), this,
                       [this] { newFromTemplate("yolo11n"); });
  file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::open);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  updateRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
  file->addSeparator();
  file->addAction(tr("&Import ONNX…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), this,
                  &MainWindow::importOnnx);
  file->addAction(tr("&Export ONNX"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                  [this] { exportOnnx(false); });
  file->addAction(tr("Export ONNX &As…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this,
                  [this] { exportOnnx(true); });
  file->addAction(tr("Export Canvas &Image…"), this, &MainWindow::exportImage);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = doc_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = doc_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  for (auto a :
       {GraphView::Cut, GraphView::Copy, GraphView::Paste, GraphView::Duplicate, GraphView::Delete})
    edit->addAction(view_->action(a));
  edit->addSeparator();
  QMenu* blocks = edit->addMenu(tr("&Blocks"));
  blocks->addAction(tr("&Group into Block"), QKeySequence(Qt::CTRL | Qt::Key_G), scene_,
                    [this] { scene_->groupSelection(); });
  blocks->addAction(tr("&Ungroup"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G), scene_,
                    [this] { scene_->ungroupSelection(); });
  blocks->addAction(tr("&Expand / Collapse"), QKeySequence(Qt::CTRL | Qt::Key_Return), scene_,
                    [this] { scene_->toggleSelectedBlocks(); });
  blocks->addAction(tr("&Save Block to Library…"), this, [this] {
    auto sel = scene_->selectedBlocks();
    if (sel.size() != 1) {
      statusBar()->showMessage(tr("Select one block to save"), 6000);
      return;
    }
    saveBlockToLibrary(sel.front());
  });
  edit->addSeparator();
  edit->addAction(view_->action(GraphView::SelectAll));
  edit->addAction(view_->action(GraphView::Find));

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  viewMenu_->addAction(view_->action(GraphView::FrameAll));
  viewMenu_->addAction(tr("Auto &Layout"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
    doc_->autoLayout();
    view_->frameAll();
  });
  viewMenu_->addAction(view_->action(GraphView::ZoomIn));
  viewMenu_->addAction(view_->action(GraphView::ZoomOut));
  viewMenu_->addSeparator();
  darkAction_ = viewMenu_->addAction(tr("&Dark Theme"));
  darkAction_->setCheckable(true);
  connect(darkAction_, &QAction::toggled, this, [this](bool dark) { setDarkTheme(dark); });
  viewMenu_->addSeparator();
}

QDockWidget* MainWindow::addPanelDock(QWidget* w, const QString& title, const char* name,
                                      Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(name);
  d->setWidget(w);
  addDockWidget(area, d);
  viewMenu_->addAction(d->toggleViewAction());
  return d;
}

// Palette (left), inspector over tensor view (right), problems tabbed with history (bottom).
void MainWindow::buildDocks() {
  QDockWidget* paletteDock = buildPaletteDock();
  QDockWidget* inspectorDock = buildInspectorDock();
  tensorView_ = new TensorView(this);
  QDockWidget* tensorDock =
      addPanelDock(tensorView_, tr("Tensor"), "tensorDock", Qt::RightDockWidgetArea);
  splitDockWidget(inspectorDock, tensorDock, Qt::Vertical);
  buildProblemsDock();
  buildHistoryDock();

  resizeDocks({paletteDock, inspectorDock}, {210, 360}, Qt::Horizontal);
  resizeDocks({inspectorDock, tensorDock}, {420, 420}, Qt::Vertical);
  resizeDocks({problemsDock_}, {150}, Qt::Vertical);

  // Panels follow the model: after every inference (edit, undo, redo) and evaluation.
  connect(doc_, &Document::shapesChanged, this, [this] {
    if (scene_->currentBlock() != nc::kNoBlock)
      showBlock(scene_->currentBlock());
    else
      showNode(scene_->currentNode());
    updateProblems();
  });
  // Block-only edits (rename, collapse) change no shapes: the block inspector follows the stack.
  connect(doc_->undoStack(), &QUndoStack::indexChanged, this, [this] {
    if (scene_->currentBlock() != nc::kNoBlock) showBlock(scene_->currentBlock());
  });
}

// Double-click/Enter adds at the view centre; drags drop on the canvas.
QDockWidget* MainWindow::buildPaletteDock() {
  palette_ = new PaletteWidget(this);
  QDockWidget* paletteDock =
      addPanelDock(palette_, tr("Palette"), "paletteDock", Qt::LeftDockWidgetArea);
  connect(palette_, &PaletteWidget::opActivated, this, [this](const QString& op) {
    QPointF c = view_->mapToScene(view_->viewport()->rect().center());
    nc::NodeId id = doc_->addNode(op, c - QPointF(NodeItem::kWidth / 2, 40));
    if (id != nc::kNoNode) scene_->selectNodes({id});
  });

  connect(palette_, &PaletteWidget::blockActivated, this, [this](const QString& spec) {
    QPointF c = view_->mapToScene(view_->viewport()->rect().center());
    scene_->insertBlockSpec(spec, c - QPointF(NodeItem::kWidth / 2, 40));
  });
  return paletteDock;
}

// The node inspector and the block inspector share one dock: every request becomes a document
// command.
QDockWidget* MainWindow::buildInspectorDock() {
  inspector_ = new InspectorWidget(this);
  blockInspector_ = new BlockInspector(this);
  inspectorStack_ = new QStackedWidget(this);
  inspectorStack_->addWidget(inspector_);
  inspectorStack_->addWidget(blockInspector_);
  QDockWidget* inspectorDock =
      addPanelDock(inspectorStack_, tr("Inspector"), "inspectorDock", Qt::RightDockWidgetArea);
  connect(blockInspector_, &BlockInspector::renameRequested, doc_,
          [this](nc::BlockId id, const QString& name) { doc_->renameBlock(id, name); });
  connect(blockInspector_, &BlockInspector::paramsEdited, doc_,
          [this](nc::BlockId id, const std::map<std::string, nc::AttrValue>& params) {
            QString error;
            auto keep =
                connect(doc_, &Document::message, this, [&error](const QString& m) { error = m; });
            bool ok = doc_->setBlockParams(id, params);
            disconnect(keep);
            blockInspector_->setError(ok ? QString() : error);
            showBlock(id);  // editors show the block's values again (unchanged on error)
          });
  connect(blockInspector_, &BlockInspector::collapseRequested, doc_,
          [this](nc::BlockId id, bool c) {
            doc_->setBlockCollapsed(id, c);
            scene_->syncBlocks();
            scene_->selectBlocks({id});
          });
  connect(blockInspector_, &BlockInspector::ungroupRequested, doc_, [this](nc::BlockId id) {
    scene_->selectBlocks({id});
    scene_->ungroupSelection();
  });
  connect(blockInspector_, &BlockInspector::saveRequested, this,
          [this](nc::BlockId id) { saveBlockToLibrary(id); });
  connect(inspector_, &InspectorWidget::attributeEdited, doc_,
          [this](nc::NodeId id, const QString& name, const nc::AttrValue& v) {
            doc_->setAttribute(id, name, v);
          });
  connect(inspector_, &InspectorWidget::attributeCleared, doc_,
          [this](nc::NodeId id, const QString& name) { doc_->clearAttribute(id, name); });
  connect(inspector_, &InspectorWidget::renameRequested, doc_,
          [this](nc::NodeId id, const QString& name) { doc_->rename(id, name); });
  connect(inspector_, &InspectorWidget::constantEdited, doc_,
          [this](nc::NodeId id, int port, const nc::Tensor& t) { doc_->setConstant(id, port, t); });
  connect(inspector_, &InspectorWidget::loadNpyRequested, this, &MainWindow::loadNpy);
  connect(inspector_, &InspectorWidget::loadImageRequested, this, &MainWindow::loadImage);
  return inspectorDock;
}

void MainWindow::buildProblemsDock() {
  problems_ = new ProblemsPanel(this);
  problemsDock_ = addPanelDock(problems_, tr("Problems"), "problemsDock", Qt::BottomDockWidgetArea);
  connect(problems_, &ProblemsPanel::nodeActivated, this, [this](nc::NodeId id) {
    // A node hidden in a collapsed block is shown by expanding the block.
    for (nc::BlockId b = doc_->graph().visibleBlock(id); b != nc::kNoBlock;
         b = doc_->graph().visibleBlock(id))
      if (!doc_->setBlockCollapsed(b, false)) break;
    scene_->syncBlocks();
    scene_->selectNodes({id});
    view_->centerOnNode(id);
  });
  connect(problems_, &ProblemsPanel::countChanged, this, [this](int n) {
    problemsDock_->setWindowTitle(n ? tr("Problems (%1)").arg(n) : tr("Problems"));
  });
}

// The undo stack's history, tabbed with the problems panel.
void MainWindow::buildHistoryDock() {
  auto* undoDock = new QDockWidget(tr("History"), this);
  undoDock->setObjectName("historyDock");
  undoView_ = new QUndoView(doc_->undoStack(), undoDock);
  undoView_->setEmptyLabel(tr("<opened>"));
  undoDock->setWidget(undoView_);
  addDockWidget(Qt::BottomDockWidgetArea, undoDock);
  tabifyDockWidget(problemsDock_, undoDock);
  problemsDock_->raise();
  viewMenu_->addAction(undoDock->toggleViewAction());
}

void MainWindow::setDarkTheme(bool dark, bool persist) {
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
  scene_->setDarkTheme(dark);
  view_->resetCachedContent();
  view_->minimap()->invalidate();
  if (darkAction_ && darkAction_->isChecked() != dark) {
    QSignalBlocker b(darkAction_);
    darkAction_->setChecked(dark);
  }
  if (persist) QSettings().setValue("view/dark", dark);
}

void MainWindow::setProgressDelay(int ms) { progressDelay_->setInterval(ms); }

void MainWindow::updateTitle() {
  setWindowTitle(QString("%1[*] — NetCanvas").arg(doc_->displayName()));
  setWindowModified(doc_->isModified());
}

void MainWindow::updateTotals() {
  nc::GraphStats t = nc::graphStats(doc_->graph(), doc_->shapes());
  totals_->setText(tr("%1 nodes  ·  %2 params  ·  %3%4 MACs")
                       .arg(t.nodes)
                       .arg(QString::fromStdString(nc::formatCount(t.params)))
                       .arg(QString::fromStdString(nc::formatCount(t.macs)))
                       .arg(t.macsComplete ? "" : "+"));
  int problems = int(doc_->shapes().diagnostics.size());
  if (problems) totals_->setText(totals_->text() + tr("  ·  %n problem(s)", "", problems));
}

void MainWindow::onEvaluated() {
  EvalService* ev = doc_->evaluation();
  const nc::EvalReport& r = ev->lastReport();
  evalLabel_->setText(
      tr("Evaluated %1 node(s) in %2 ms%3")
          .arg(r.recomputed.size())
          .arg(ev->lastMilliseconds(), 0, 'f', 1)
          .arg(r.errors.empty() ? QString() : tr(", %n error(s)", "", int(r.errors.size()))));
  showTensor(scene_->currentNode());
  updateProblems();
}

void MainWindow::showBlock(nc::BlockId id) {
  if (id == nc::kNoBlock || !doc_->graph().containsBlock(id)) {
    inspectorStack_->setCurrentWidget(inspector_);
    showNode(scene_->currentNode());
    return;
  }
  blockInspector_->showBlock(doc_->graph(), id, &doc_->shapes());
  inspectorStack_->setCurrentWidget(blockInspector_);
  // The tensor view shows the block's first output.
  nc::BlockPorts ports = doc_->graph().blockPorts(id);
  if (!ports.outputs.empty()) showTensor(ports.outputs.front().node);
}

bool MainWindow::newFromTemplate(const QString& name, bool interactive) {
  if (interactive && !maybeSave()) return false;
  try {
    doc_->newFromTemplate(name);
  } catch (const std::exception& e) {
    lastError_ = QString::fromUtf8(e.what());
    if (interactive) QMessageBox::warning(this, tr("New from template"), lastError_);
    return false;
  }
  view_->frameAll();
  statusBar()->showMessage(
      tr("Opened template %1: blocks are collapsed; double-click one to expand it").arg(name),
      8000);
  return true;
}

bool MainWindow::saveBlockToLibrary(nc::BlockId id, const QString& name, bool interactive) {
  const nc::Block* b = doc_->graph().findBlock(id);
  if (!b) return false;
  QString n = name;
  if (n.isEmpty() && interactive) {
    bool ok = false;
    n = QInputDialog::getText(this, tr("Save Block to Library"),
                              tr("Name in the block library (%1):").arg(Document::userBlockDir()),
                              QLineEdit::Normal, QString::fromStdString(b->name), &ok);
    if (!ok) return false;
  }
  if (n.isEmpty()) n = QString::fromStdString(b->name);
  QString path = doc_->saveBlockToLibrary(id, n);
  palette_->refreshUserBlocks();
  return !path.isEmpty();
}

void MainWindow::showNode(nc::NodeId id) {
  if (scene_->currentBlock() != nc::kNoBlock) return;  // the block inspector is showing
  inspectorStack_->setCurrentWidget(inspector_);
  if (id == nc::kNoNode || !doc_->graph().contains(id))
    inspector_->clear();
  else
    inspector_->showNode(doc_->graph(), id, &doc_->shapes());
  showTensor(id);
}

void MainWindow::showTensor(nc::NodeId id) {
  const nc::Graph& g = doc_->graph();
  const nc::Node* n = g.findNode(id);
  if (!n) {
    tensorView_->clear();
    return;
  }
  // Output nodes show what reaches them; everything else its first output.
  std::optional<nc::PortRef> port;
  if (n->numOutputs > 0)
    port = nc::PortRef{id, 0};
  else if (!n->inputs.empty() && n->inputs[0].source)
    port = *n->inputs[0].source;
  const nc::Tensor* t = port ? doc_->evaluation()->output(*port) : nullptr;
  if (!t) {
    tensorView_->clear();
    return;
  }
  if (tensorView_->tensor().sharesStorageWith(*t) && tensorView_->tensor().shape() == t->shape())
    return;
  tensorView_->setTensor(*t, QString::fromStdString(n->name));
}

void MainWindow::updateProblems() {
  problems_->setDiagnostics(doc_->graph(), doc_->shapes().diagnostics,
                            doc_->evaluation()->lastReport().errors);
}

void MainWindow::loadNpy(nc::NodeId id, int port) {
  QSettings s;
  QString path =
      QFileDialog::getOpenFileName(this, tr("Load weights"), s.value("files/lastNpyDir").toString(),
                                   tr("NumPy arrays (*.npy);;All files (*)"));
  if (path.isEmpty()) return;
  s.setValue("files/lastNpyDir", QFileInfo(path).absolutePath());
  loadNpyFile(id, port, path);
}

bool MainWindow::loadNpyFile(nc::NodeId id, int port, const QString& path, bool interactive) {
  try {
    doc_->setConstant(id, port, nc::loadNpy(path.toStdString()));
  } catch (const std::exception& e) {
    if (interactive)
      QMessageBox::critical(this, tr("Cannot load weights"), QString::fromUtf8(e.what()));
    statusBar()->showMessage(QString::fromUtf8(e.what()), 10000);
    return false;
  }
  return true;
}

void MainWindow::loadImage(nc::NodeId id) {
  QSettings s;
  QString path =
      QFileDialog::getOpenFileName(this, tr("Load image"), s.value("files/lastImageDir").toString(),
                                   tr("Images (*.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"));
  if (path.isEmpty()) return;
  s.setValue("files/lastImageDir", QFileInfo(path).absolutePath());
  loadImageFile(id, path);
}

bool MainWindow::loadImageFile(nc::NodeId id, const QString& path, bool interactive) {
  const nc::Node* n = doc_->graph().findNode(id);
  if (!n) return false;
  // Sized to the input's declared H x W (dynamic dims keep the image's own size).
  std::vector<int64_t> shape = {1, 3, -1, -1};
  if (auto it = n->attrs.find("shape"); it != n->attrs.end())
    if (auto* v = std::get_if<std::vector<int64_t>>(&it->second)) shape = *v;
  int h = shape.size() == 4 ? int(shape[2]) : -1, w = shape.size() == 4 ? int(shape[3]) : -1;
  try {
    nc::Tensor t = imageToTensor(path, h, w, true);
    doc_->undoStack()->beginMacro(tr("Load image into %1").arg(QString::fromStdString(n->name)));
    doc_->setAttribute(id, "shape", t.shape());
    doc_->setAttribute(id, "value", t);
    doc_->undoStack()->endMacro();
  } catch (const std::exception& e) {
    if (interactive)
      QMessageBox::critical(this, tr("Cannot load image"), QString::fromUtf8(e.what()));
    statusBar()->showMessage(QString::fromUtf8(e.what()), 10000);
    return false;
  }
  return true;
}
