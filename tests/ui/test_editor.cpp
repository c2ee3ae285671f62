// The editor driven through its real widgets (offscreen): nodes added by palette drops and the
// document API, connections made by real mouse drags between port positions, previews and
// shapes checked, staleness of re-evaluation, error badges, undo/redo of everything, ONNX
// export + re-import, garbage files, save/reopen, autosave recovery, keyboard shortcuts, and a
// 10,000-node graph.
#include <QApplication>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>
#include <chrono>
#include <cstdio>

#include "app/main_window.h"
#include "core/blocks/recognize.h"
#include "core/project/project.h"
#include "core/eval/stats.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/export_check.h"
#include "ui/graph_scene.h"
#include "ui/graph_view.h"
#include "ui/inspector_widget.h"
#include "ui/node_item.h"
#include "ui/palette_widget.h"
#include "ui/problems_panel.h"
#include "ui/synthetic_graph.h"
#include "ui/tensor_view.h"
#include "tests/ui/quick_export.h"

using namespace ncui;

namespace {

nc::Tensor vec(std::vector<float> v) { return nc::Tensor::fromFloats({int64_t(v.size())}, v); }

// Graphs equal in everything a user can see or save (not revisions).
QString graphDiff(const nc::Graph& a, const nc::Graph& b) {
  if (a.nodeIds() != b.nodeIds()) return "node ids differ";
  for (nc::NodeId id : a.nodeIds()) {
    const nc::Node &x = a.node(id), &y = b.node(id);
    QString where = QString("node %1 (%2): ").arg(id).arg(QString::fromStdString(x.name));
    if (x.op != y.op || x.name != y.name) return where + "op/name";
    if (x.x != y.x || x.y != y.y) return where + "position";
    if (x.attrs.size() != y.attrs.size()) return where + "attribute count";
    for (auto& [k, v] : x.attrs)
      if (!y.attrs.count(k) || !nc::attrEquals(v, y.attrs.at(k)))
        return where + "attribute " + QString::fromStdString(k);
    if (x.inputs.size() != y.inputs.size() || x.numOutputs != y.numOutputs) return where + "ports";
    for (size_t i = 0; i < x.inputs.size(); ++i) {
      if (x.inputs[i].source != y.inputs[i].source)
        return where + QString("source of input %1").arg(i);
      const nc::Tensor &s = x.inputs[i].constant, &t = y.inputs[i].constant;
      if (s.empty() != t.empty() ||
          (!s.empty() && (s.shape() != t.shape() || s.toFloatVector() != t.toFloatVector())))
        return where + QString("constant of input %1").arg(i);
    }
  }
  return {};
}

}  // namespace

class TestEditor : public QObject {
  Q_OBJECT

  MainWindow* w_ = nullptr;
  Document* doc() { return w_->document(); }
  GraphScene* scene() { return w_->scene(); }
  GraphView* view() { return w_->view(); }
  QWidget* vp() { return w_->view()->viewport(); }

  QPoint toView(QPointF scenePos) { return view()->mapFromScene(scenePos); }

  // A real mouse drag on the canvas viewport.
  void drag(QPointF fromScene, QPointF toScene, Qt::KeyboardModifiers mods = {}) {
    QPoint a = toView(fromScene), b = toView(toScene);
    QTest::mousePress(vp(), Qt::LeftButton, mods, a);
    for (int i = 1; i <= 4; ++i) QTest::mouseMove(vp(), a + (b - a) * i / 4);
    QTest::mouseRelease(vp(), Qt::LeftButton, mods, b);
  }
  void wire(nc::PortRef from, nc::PortRef to) {
    drag(scene()->outputPortScenePos(from), scene()->inputPortScenePos(to));
  }
  // A palette drag and drop: the palette's own drag data for the op's item, delivered to the
  // canvas as the drag-enter/move/drop events a real drag produces.
  nc::NodeId drop(const QString& op, QPointF scenePos) {
    auto before = doc()->graph().nodeIds();
    QTreeWidget* tree = w_->palette()->tree();
    QTreeWidgetItem* item = nullptr;
    for (int i = 0; i < tree->topLevelItemCount() && !item; ++i)
      for (int j = 0; j < tree->topLevelItem(i)->childCount(); ++j)
        if (tree->topLevelItem(i)->child(j)->data(0, Qt::UserRole).toString() == op)
          item = tree->topLevelItem(i)->child(j);
    if (!item) return nc::kNoNode;
    QModelIndex parent = tree->model()->index(tree->indexOfTopLevelItem(item->parent()), 0);
    QModelIndex idx = tree->model()->index(item->parent()->indexOfChild(item), 0, parent);
    std::unique_ptr<QMimeData> md(tree->model()->mimeData({idx}));
    if (!md) return nc::kNoNode;
    QPoint p = toView(scenePos);
    QDragEnterEvent enter(p, Qt::CopyAction, md.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp(), &enter);
    QDragMoveEvent move(p, Qt::CopyAction, md.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp(), &move);
    QDropEvent dropEv(p, Qt::CopyAction, md.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vp(), &dropEv);
    auto after = doc()->graph().nodeIds();
    return after.size() == before.size() + 1 ? after.back() : nc::kNoNode;
  }
  void settle() {
    QVERIFY(doc()->evaluation()->waitForIdle(60000));
    QApplication::processEvents();
  }

  // Input -> BatchNormalization -> SiLU -> Output, built as a user would.
  struct Chain {
    nc::NodeId in, bn, act, out;
  } c_{};
  nc::Graph builtGraph_;
  int builtSteps_ = 0;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("NetCanvasTest");
    QApplication::setApplicationName("NetCanvasTest");
  }

  void init() {
    w_ = new MainWindow;
    w_->resize(1400, 900);
    w_->show();
    QVERIFY(QTest::qWaitForWindowExposed(w_));
    view()->setZoom(1.0, QPointF(0, 0));
    view()->centerOn(QPointF(450, 150));
    QApplication::processEvents();
  }

  void cleanup() {
    doc()->undoStack()->setClean();
    delete w_;
    w_ = nullptr;
  }

  void buildChain() {
    c_.in = drop("Input", QPointF(100, 100));
    QVERIFY(c_.in);
    c_.bn = drop("BatchNormalization", QPointF(380, 100));
    c_.act = drop("SiLU", QPointF(660, 100));
    c_.out = drop("Output", QPointF(900, 100));
    QVERIFY(c_.bn && c_.act && c_.out);
    QCOMPARE(scene()->nodeItemCount(), size_t(4));
    // Dropped where the mouse was (the header's middle under the cursor).
    QRectF bnRect = scene()->nodeItem(c_.bn)->sceneBoundingRect();
    QVERIFY2(bnRect.contains(QPointF(380, 100)), "node not placed at the drop position");
    QVERIFY(std::abs(doc()->graph().node(c_.bn).x + NodeItem::kWidth / 2 - 380) < 2);
    doc()->setAttribute(c_.in, "shape", std::vector<int64_t>{1, 6, 10, 12});
    for (int p = 1; p <= 4; ++p)
      doc()->setConstant(c_.bn, p, vec(std::vector<float>(6, p == 4 ? 1.5f : 0.25f * float(p))));
    QApplication::processEvents();
    wire({c_.in, 0}, {c_.bn, 0});
    wire({c_.bn, 0}, {c_.act, 0});
    wire({c_.act, 0}, {c_.out, 0});
    QCOMPARE(doc()->graph().connections().size(), size_t(3));
    QCOMPARE(scene()->edgeItemCount(), size_t(3));
  }

  void buildsChainWithPreviewsAndShapes() {
    buildChain();
    settle();
    for (nc::NodeId id : {c_.in, c_.bn, c_.act}) {
      NodeItem* item = scene()->nodeItem(id);
      QVERIFY(item);
      QCOMPARE(item->shapeText(), QString("1×6×10×12"));
      QVERIFY2(!item->ensureThumbnail().isNull(), "thumbnail missing");
      QVERIFY(!item->hasError());
    }
    QCOMPARE(scene()->nodeItem(c_.out)->shapeText(), QString("1×6×10×12"));
    // The layout's height estimate (made before items exist) covers the drawn node.
    for (nc::NodeId id : {c_.in, c_.bn, c_.act, c_.out}) {
      double drawn = scene()->nodeItem(id)->boundingRect().height() - 2;
      double est = card::estimatedNodeHeight(doc()->graph(), id);
      QVERIFY2(est >= drawn && est <= drawn + 30,
               qPrintable(QString("%1 vs %2").arg(est).arg(drawn)));
    }
    // Editing the graph input's shape propagates to every node and its preview.
    doc()->setAttribute(c_.in, "shape", std::vector<int64_t>{2, 6, 5, 7});
    settle();
    for (nc::NodeId id : {c_.in, c_.bn, c_.act, c_.out})
      QCOMPARE(scene()->nodeItem(id)->shapeText(), QString("2×6×5×7"));
    QCOMPARE(doc()->evaluation()->output({c_.act, 0})->shape(), (nc::Shape{2, 6, 5, 7}));
    doc()->undoStack()->undo();
    settle();
    // The previews are the real tensors: SiLU(BN(x)) at one element, by hand.
    const nc::Tensor* x = doc()->evaluation()->output({c_.in, 0});
    const nc::Tensor* y = doc()->evaluation()->output({c_.act, 0});
    QVERIFY(x && y);
    float xv = x->f32()[17];
    float bn = 0.25f * (xv - 0.75f) / std::sqrt(1.5f + 1e-5f) + 0.5f;
    QVERIFY(std::abs(y->f32()[17] - bn / (1 + std::exp(-bn))) < 1e-5f);
    // A visible node renders its thumbnail only when painted; the render is cached.
    NodeItem* act = scene()->nodeItem(c_.act);
    quint64 renders = act->renderedThumbnails();
    vp()->repaint();
    vp()->repaint();
    QVERIFY(act->renderedThumbnails() <= renders + 1);
  }

  void attributeEditRecomputesOnlyStaleNodes() {
    buildChain();
    settle();
    doc()->setAttribute(c_.bn, "epsilon", 0.01f);
    settle();
    std::vector<nc::NodeId> re = doc()->evaluation()->lastReport().recomputed;
    QVERIFY2(std::find(re.begin(), re.end(), c_.in) == re.end(),
             "Input recomputed although unchanged");
    QVERIFY(std::find(re.begin(), re.end(), c_.bn) != re.end());
    QVERIFY(std::find(re.begin(), re.end(), c_.act) != re.end());
    // Two merged edits of the same attribute are one undo step.
    int steps = doc()->undoStack()->count();
    doc()->setAttribute(c_.bn, "epsilon", 0.02f);
    QCOMPARE(doc()->undoStack()->count(), steps);
    // Moving a node re-evaluates nothing.
    settle();
    quint64 runs = doc()->evaluation()->completedRuns();
    drag(scene()->nodeItem(c_.act)->sceneBoundingRect().topLeft() + QPointF(60, 10),
         scene()->nodeItem(c_.act)->sceneBoundingRect().topLeft() + QPointF(90, 60));
    QApplication::processEvents();
    QCOMPARE(doc()->evaluation()->completedRuns(), runs);
  }

  void moveByMouseIsOneMergedCommand() {
    buildChain();
    int steps = doc()->undoStack()->count();
    const nc::Node& n0 = doc()->graph().node(c_.bn);
    QPointF start(n0.x, n0.y);
    drag(start + QPointF(80, 12), start + QPointF(80 + 120, 12 + 70));
    QCOMPARE(doc()->undoStack()->count(), steps + 1);
    const nc::Node& n1 = doc()->graph().node(c_.bn);
    QVERIFY(std::abs(n1.x - (start.x() + 120)) < 2 && std::abs(n1.y - (start.y() + 70)) < 2);
    QCOMPARE(scene()->nodeItem(c_.bn)->pos(), QPointF(n1.x, n1.y));
    // The edges followed.
    EdgeItem* e = scene()->edgeItem({{c_.in, 0}, {c_.bn, 0}});
    QVERIFY(e->boundingRect().contains(scene()->inputPortScenePos({c_.bn, 0})));
    doc()->undoStack()->undo();
    QCOMPARE(doc()->graph().node(c_.bn).x, start.x());
  }

  void badConnectionShowsErrorBadge() {
    buildChain();
    // A scale of the wrong length: BatchNorm is badged, the message names node and shapes.
    doc()->setConstant(c_.bn, 1, vec({1, 2, 3}));
    settle();
    NodeItem* bn = scene()->nodeItem(c_.bn);
    QVERIFY(bn->hasError());
    QVERIFY2(bn->errorText().contains("scale") || bn->errorText().contains("3"),
             qPrintable(bn->errorText()));
    QVERIFY(bn->toolTip() == bn->errorText());
    QCOMPARE(doc()->shapes().diagnostics.size(), size_t(1));
    doc()->undoStack()->undo();
    settle();
    QVERIFY(!scene()->nodeItem(c_.bn)->hasError());
    // A connection whose shape does not fit is drawn in error: a [5] tensor into scale.
    nc::NodeId wrong = drop("Input", QPointF(100, 420));
    doc()->setAttribute(wrong, "shape", std::vector<int64_t>{5});
    doc()->setConstant(c_.bn, 1, nc::Tensor());
    QApplication::processEvents();
    wire({wrong, 0}, {c_.bn, 1});
    settle();
    EdgeItem* e = scene()->edgeItem({{wrong, 0}, {c_.bn, 1}});
    QVERIFY(e);
    QVERIFY(e->hasError());
    QVERIFY(scene()->nodeItem(c_.bn)->hasError());
    QVERIFY(!e->toolTip().isEmpty());
  }

  void cycleAndOccupiedInputAreRefused() {
    buildChain();
    nc::NodeId mul = drop("Mul", QPointF(380, 450));
    QApplication::processEvents();
    wire({c_.act, 0}, {mul, 0});
    QCOMPARE(doc()->graph().connections().size(), size_t(4));
    size_t steps = size_t(doc()->undoStack()->count());
    // Mul -> BN's X is occupied; Mul's output into... itself is a cycle.
    wire({mul, 0}, {c_.bn, 0});
    QVERIFY(w_->statusBar()->currentMessage().contains("already connected"));
    wire({mul, 0}, {mul, 1});
    QVERIFY2(w_->statusBar()->currentMessage().contains("cycle"),
             qPrintable(w_->statusBar()->currentMessage()));
    QCOMPARE(size_t(doc()->undoStack()->count()), steps);
    QCOMPARE(doc()->graph().connections().size(), size_t(4));
  }

  void dragConnectedInputAwayDisconnects() {
    buildChain();
    QPointF in = scene()->inputPortScenePos({c_.act, 0});
    drag(in, in + QPointF(-60, 200));
    QCOMPARE(doc()->graph().connections().size(), size_t(2));
    QVERIFY(!doc()->graph().node(c_.act).inputs[0].source);
    doc()->undoStack()->undo();
    QCOMPARE(doc()->graph().connections().size(), size_t(3));
  }

  void undoAllThenRedoAll() {
    buildChain();
    doc()->setAttribute(c_.bn, "epsilon", 0.001f);
    doc()->rename(c_.act, "swish");
    doc()->autoLayout();
    settle();
    nc::Graph full = doc()->graph();
    QUndoStack* st = doc()->undoStack();
    while (st->canUndo()) st->undo();
    QCOMPARE(doc()->graph().size(), size_t(0));
    QCOMPARE(scene()->nodeItemCount(), size_t(0));
    QCOMPARE(scene()->edgeItemCount(), size_t(0));
    settle();
    while (st->canRedo()) st->redo();
    QString diff = graphDiff(full, doc()->graph());
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(scene()->nodeItemCount(), size_t(4));
    QCOMPARE(scene()->edgeItemCount(), size_t(3));
    settle();
    QVERIFY(!scene()->nodeItem(c_.act)->ensureThumbnail().isNull());
  }

  void keyboardDeleteCopyPasteDuplicateUndo() {
    buildChain();
    view()->setFocus();
    scene()->selectNodes({c_.act});
    QTest::keyClick(view(), Qt::Key_Delete);
    QCOMPARE(doc()->graph().size(), size_t(3));
    QCOMPARE(doc()->graph().connections().size(), size_t(1));
    QTest::keyClick(view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc()->graph().size(), size_t(4));
    QCOMPARE(doc()->graph().connections().size(), size_t(3));  // connections restored too
    // Copy BN + SiLU, paste: two new nodes, their internal connection, constants kept.
    scene()->selectNodes({c_.bn, c_.act});
    QTest::keyClick(view(), Qt::Key_C, Qt::ControlModifier);
    QTest::keyClick(view(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(doc()->graph().size(), size_t(6));
    QCOMPARE(doc()->graph().connections().size(), size_t(4));
    auto pasted = scene()->selectedNodes();
    QCOMPARE(pasted.size(), size_t(2));
    const nc::Node& pbn = doc()->graph().node(pasted[0]);
    QCOMPARE(pbn.op, std::string("BatchNormalization"));
    QCOMPARE(pbn.inputs[1].constant.toFloatVector(),
             doc()->graph().node(c_.bn).inputs[1].constant.toFloatVector());
    QVERIFY(pbn.name != doc()->graph().node(c_.bn).name);
    QTest::keyClick(view(), Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(doc()->graph().size(), size_t(8));
    QTest::keyClick(view(), Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc()->graph().size(), size_t(4));
  }

  void quickAddAndFind() {
    buildChain();
    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_S);
    QLineEdit* box = view()->quickAddBox();
    QVERIFY(box->isVisible());
    box->setText("Sigmoid");
    QTest::keyClick(box, Qt::Key_Return);
    QCOMPARE(doc()->graph().size(), size_t(5));
    QCOMPARE(doc()->graph().node(doc()->graph().nodeIds().back()).op, std::string("Sigmoid"));
    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(view()->findBox()->isVisible());
    QTest::keyClicks(view()->findBox(), "batchnorm");
    QTest::keyClick(view()->findBox(), Qt::Key_Return);
    QCOMPARE(scene()->selectedNodes(), std::vector<nc::NodeId>{c_.bn});
    QCOMPARE(scene()->currentNode(), c_.bn);
  }

  void rubberBandSelects() {
    buildChain();
    QRectF a = scene()->nodeItem(c_.in)->sceneBoundingRect(),
           b = scene()->nodeItem(c_.bn)->sceneBoundingRect();
    drag(a.topLeft() - QPointF(30, 30), QPointF(b.right() - 20, b.bottom() + 20));
    auto sel = scene()->selectedNodes();
    QCOMPARE(sel, (std::vector<nc::NodeId>{c_.in, c_.bn}));
    // A plain click on one of them keeps just that one; Ctrl+click adds another.
    QTest::mouseClick(vp(), Qt::LeftButton, {}, toView(b.topLeft() + QPointF(100, 12)));
    QCOMPARE(scene()->selectedNodes(), std::vector<nc::NodeId>{c_.bn});
    QRectF c = scene()->nodeItem(c_.act)->sceneBoundingRect();
    QTest::mouseClick(vp(), Qt::LeftButton, Qt::ControlModifier,
                      toView(c.topLeft() + QPointF(100, 12)));
    QCOMPARE(scene()->selectedNodes(), (std::vector<nc::NodeId>{c_.bn, c_.act}));
  }

  void levelOfDetailSkipsThumbnailsWhenZoomedOut() {
    buildChain();
    settle();
    NodeItem* act = scene()->nodeItem(c_.act);
    view()->setZoom(0.25, act->sceneBoundingRect().center());
    doc()->setAttribute(c_.bn, "epsilon", 0.2f);  // new outputs: thumbnails are stale
    settle();
    quint64 before = act->renderedThumbnails();
    vp()->repaint();
    QCOMPARE(act->renderedThumbnails(), before);  // boxes only, no thumbnail rendered
    view()->setZoom(1.0, act->sceneBoundingRect().center());
    vp()->repaint();
    QCOMPARE(act->renderedThumbnails(), before + 1);
  }

  void wheelZoomKeepsPointUnderCursor() {
    buildChain();
    QPoint at(300, 200);
    QPointF before = view()->mapToScene(at);
    double z = view()->zoom();
    QWheelEvent we(at, vp()->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(vp(), &we);
    QVERIFY(view()->zoom() > z * 1.3);
    QPointF after = view()->mapToScene(at);
    QVERIFY2(QLineF(before, after).length() < 3, "zoom did not keep the cursor's point");
    QTest::keyClick(view(), Qt::Key_F);
    QRectF visible = view()->mapToScene(vp()->rect()).boundingRect();
    QVERIFY(visible.contains(scene()->contentRect()));
  }

  void exportOnnxAndReimport() {
    buildChain();
    settle();
    QTemporaryDir dir;
    std::map<std::string, nc::Tensor> inputs, outputs;
    editorTensors(doc()->graph(), *doc()->evaluation(), inputs, outputs);
    QCOMPARE(outputs.size(), size_t(1));
    std::string path = (dir.path() + "/chain.onnx").toStdString();
    ExportCheck r = exportAndVerify(doc()->graph(), path, {}, inputs, outputs);
    QVERIFY2(r.ok(), qPrintable(r.summary()));
    QCOMPARE(r.outputsCompared, 1);
    QVERIFY(r.validation.checkerRun);
    // Open the written model in the editor: same ops, laid out left to right.
    QVERIFY(w_->openFile(QString::fromStdString(path), false));
    settle();
    const nc::Graph& g = doc()->graph();
    std::multiset<std::string> ops;
    for (nc::NodeId id : g.nodeIds()) ops.insert(g.node(id).op);
    QCOMPARE(ops, (std::multiset<std::string>{"Input", "BatchNormalization", "SiLU", "Output"}));
    QVERIFY(doc()->path().isEmpty());  // an imported model is untitled until saved
    nc::NodeId in = g.inputNodes().front(), out = g.outputNodes().front();
    QVERIFY(g.node(in).x < g.node(out).x);
    // A tampered editor tensor is reported.
    outputs.begin()->second = nc::Tensor(nc::DType::Float32, outputs.begin()->second.shape());
    ExportCheck bad = exportAndVerify(builtGraph_.size() ? builtGraph_ : doc()->graph(), path, {}, inputs,
                                      outputs);
    QVERIFY(!bad.ok());
  }

  void ctrlEExportsWithLastPathAndShowsReport() {
    buildChain();
    settle();
    QTemporaryDir dir;
    QString path = dir.path() + "/quick.onnx";
    // As left by an earlier export: no dialog.
    QString report = quickExport(w_, path, false);
    QVERIFY2(QFile::exists(path), qPrintable(report));
    QVERIFY2(report.contains("checker passed") && report.contains("1 of 1 outputs match"),
             qPrintable(report));
    nc::Graph back = nc::blocks::openModel(path.toStdString());  // Sigmoid -> Mul read back as SiLU
    QCOMPARE(back.size(), size_t(4));
  }

  void garbageFileLeavesDocumentUntouched() {
    buildChain();
    doc()->setAttribute(c_.bn, "epsilon", 0.003f);
    nc::Graph before = doc()->graph();
    int steps = doc()->undoStack()->count();
    QTemporaryDir dir;
    for (QString name : {"garbage.ncproj", "garbage.onnx"}) {
      QString p = dir.path() + "/" + name;
      QFile f(p);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("\x08\x01this is not a model {]", 24);
      f.close();
      QVERIFY(!w_->openFile(p, false));
      QVERIFY2(w_->statusBar()->currentMessage().contains(name),
               qPrintable(w_->statusBar()->currentMessage()));
      QString diff = graphDiff(before, doc()->graph());
      QVERIFY2(diff.isEmpty(), qPrintable(diff));
      QCOMPARE(doc()->undoStack()->count(), steps);
      QCOMPARE(scene()->nodeItemCount(), size_t(4));
    }
    QVERIFY(!w_->openFile(dir.path() + "/missing.ncproj", false));
    QCOMPARE(doc()->graph().size(), size_t(4));
  }

  void saveReopenCompare() {
    buildChain();
    doc()->autoLayout();
    settle();
    QTemporaryDir dir;
    QString p = dir.path() + "/chain.ncproj";
    QVERIFY(w_->saveTo(p));
    QVERIFY(!doc()->isModified());
    nc::Graph saved = doc()->graph();
    doc()->newDocument();
    QCOMPARE(scene()->nodeItemCount(), size_t(0));
    QVERIFY(w_->openFile(p, false));
    QString diff = graphDiff(saved, doc()->graph());
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(doc()->path(), p);
    QVERIFY(!doc()->isModified());
    settle();
    QVERIFY(!scene()->nodeItem(c_.act)->ensureThumbnail().isNull());
  }

  void autosaveRecovery() {
    QTemporaryDir dir;
    QString untitled = dir.path() + "/recovery";
    QString p = dir.path() + "/model.ncproj";
    buildChain();
    QVERIFY(w_->saveTo(p));
    QVERIFY(Document::pendingRecovery(p, untitled).isEmpty());
    QVERIFY(!doc()->autosave(untitled));  // nothing to save when clean
    // Make the saved file clearly older than the autosave that follows.
    QFile f(p);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.setFileTime(QDateTime::currentDateTime().addSecs(-120), QFileDevice::FileModificationTime);
    f.close();
    doc()->rename(c_.act, "edited_after_save");
    QVERIFY(doc()->autosave(untitled));
    QString r = Document::pendingRecovery(p, untitled);
    QCOMPARE(r, Document::recoveryPathFor(p, untitled));
    nc::Graph edited = doc()->graph();
    // "Crash": a fresh document opens the file and recovers the autosave.
    Document fresh;
    fresh.load(p);
    QVERIFY(fresh.graph().findByName("edited_after_save") == nullptr);
    fresh.recoverFrom(r, p);
    QString diff = graphDiff(edited, fresh.graph());
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QVERIFY(fresh.isModified());
    QCOMPARE(fresh.path(), p);
    // Saving removes the recovery file.
    fresh.save(p);
    Document::removeRecovery(p, untitled);
    QVERIFY(Document::pendingRecovery(p, untitled).isEmpty());
    // Untitled documents autosave into the recovery directory.
    Document u;
    u.addNode("SiLU", {});
    QVERIFY(u.autosave(untitled));
    QVERIFY(!Document::pendingRecovery(QString(), untitled).isEmpty());
    Document::removeRecovery(QString(), untitled);
    QVERIFY(Document::pendingRecovery(QString(), untitled).isEmpty());
    // An autosave older than the saved file is not offered.
    doc()->rename(c_.act, "again");
    QVERIFY(doc()->autosave(untitled));
    QFile rf(Document::recoveryPathFor(p, untitled));
    QVERIFY(rf.open(QIODevice::ReadWrite));
    rf.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime);
    rf.close();
    QVERIFY(Document::pendingRecovery(p, untitled).isEmpty());
  }

  void exportCanvasImages() {
    buildChain();
    settle();
    QTemporaryDir dir;
    QVERIFY(scene()->exportImage(dir.path() + "/canvas.png"));
    QImage img(dir.path() + "/canvas.png");
    QVERIFY(img.width() > 800);
    QVERIFY(scene()->exportImage(dir.path() + "/canvas.svg"));
    QFile svg(dir.path() + "/canvas.svg");
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QByteArray text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("BatchNorm"));
  }

  void wiringInitialisesMissingWeights() {
    nc::NodeId in = drop("Input", QPointF(100, 100));
    nc::NodeId bn = drop("BatchNormalization", QPointF(400, 100));
    doc()->setAttribute(in, "shape", std::vector<int64_t>{1, 5, 6, 6});
    QApplication::processEvents();
    int steps = doc()->undoStack()->count();
    wire({in, 0}, {bn, 0});
    QCOMPARE(doc()->undoStack()->count(), steps + 1);  // connect + initialise: one step
    const nc::Node& n = doc()->graph().node(bn);
    QCOMPARE(n.inputs[1].constant.toFloatVector(), std::vector<float>(5, 1.0f));  // scale
    QCOMPARE(n.inputs[2].constant.toFloatVector(), std::vector<float>(5, 0.0f));  // B
    QCOMPARE(n.inputs[3].constant.toFloatVector(), std::vector<float>(5, 0.0f));  // mean
    QCOMPARE(n.inputs[4].constant.toFloatVector(), std::vector<float>(5, 1.0f));  // var
    settle();
    QVERIFY(!scene()->nodeItem(bn)->hasError());
    QVERIFY(!scene()->nodeItem(bn)->ensureThumbnail().isNull());
    QCOMPARE(scene()->nodeItem(bn)->shapeText(), QString("1×5×6×6"));
    doc()->undoStack()->undo();
    QVERIFY(doc()->graph().node(bn).inputs[1].constant.empty());
    QVERIFY(!doc()->graph().node(bn).inputs[0].source);
  }

  void convBatchNormSiluFromThePalette() {
    // The scenario: Conv -> BatchNorm -> SiLU dragged from the palette and wired by
    // mouse; weights are initialised on wiring; previews, shapes and MACs appear.
    nc::NodeId in = drop("Input", QPointF(100, 100));
    nc::NodeId conv = drop("Conv", QPointF(380, 100));
    nc::NodeId bn = drop("BatchNormalization", QPointF(660, 100));
    nc::NodeId act = drop("SiLU", QPointF(940, 100));
    QVERIFY(in && conv && bn && act);
    doc()->setAttribute(in, "shape", std::vector<int64_t>{1, 4, 10, 12});
    QApplication::processEvents();
    wire({in, 0}, {conv, 0});
    wire({conv, 0}, {bn, 0});
    wire({bn, 0}, {act, 0});
    settle();
    QCOMPARE(doc()->graph().node(conv).inputs[1].constant.shape(), (nc::Shape{4, 4, 3, 3}));
    QCOMPARE(scene()->nodeItem(conv)->shapeText(), QString("1×4×8×10"));
    QCOMPARE(scene()->nodeItem(act)->shapeText(), QString("1×4×8×10"));
    for (nc::NodeId id : {conv, bn, act}) {
      QVERIFY2(!scene()->nodeItem(id)->hasError(), qPrintable(scene()->nodeItem(id)->errorText()));
      const nc::Tensor* t = doc()->evaluation()->output({id, 0});
      QVERIFY2(t, qPrintable(QString("no output for node %1 (%2 errors)")
                                 .arg(id)
                                 .arg(doc()->evaluation()->lastReport().errors.size())));
      QVERIFY2(!scene()->nodeItem(id)->ensureThumbnail().isNull(),
               qPrintable(QString("node %1 shape %2 version %3")
                              .arg(id)
                              .arg(QString::fromStdString(nc::shapeToString(t->shape())))
                              .arg(doc()->evaluation()->nodeVersion(id))));
    }
    nc::NodeStats st = nc::nodeStats(doc()->graph(), conv, doc()->shapes());
    QCOMPARE(st.macs, int64_t(1) * 4 * 8 * 10 * 4 * 3 * 3);
    QVERIFY(w_->findChild<QStatusBar*>()->findChildren<QLabel*>().size() > 0);
    // pads=1 keeps the size; only Conv and what follows re-evaluate.
    doc()->setAttribute(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
    settle();
    QCOMPARE(scene()->nodeItem(act)->shapeText(), QString("1×4×10×12"));
    std::vector<nc::NodeId> re = doc()->evaluation()->lastReport().recomputed;
    QVERIFY(std::find(re.begin(), re.end(), in) == re.end());
    for (nc::NodeId id : {conv, bn, act}) QVERIFY(std::find(re.begin(), re.end(), id) != re.end());
    // Undo everything back to an empty document, and redo it all.
    nc::Graph full = doc()->graph();
    while (doc()->undoStack()->canUndo()) doc()->undoStack()->undo();
    QCOMPARE(doc()->graph().size(), size_t(0));
    while (doc()->undoStack()->canRedo()) doc()->undoStack()->redo();
    QString diff = graphDiff(full, doc()->graph());
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
  }

  void panelsFollowTheCanvas() {
    buildChain();
    settle();
    // Clicking a node shows it in the inspector and its output in the tensor view.
    QRectF r = scene()->nodeItem(c_.act)->sceneBoundingRect();
    QTest::mouseClick(vp(), Qt::LeftButton, {}, toView(r.topLeft() + QPointF(100, 12)));
    QCOMPARE(scene()->currentNode(), c_.act);
    QCOMPARE(w_->inspector()->nodeId(), c_.act);
    QCOMPARE(w_->tensorView()->tensor().shape(), (nc::Shape{1, 6, 10, 12}));
    QVERIFY(
        w_->tensorView()->tensor().sharesStorageWith(*doc()->evaluation()->output({c_.act, 0})));
    // Editing epsilon in the inspector: one command, only the stale nodes re-evaluated.
    QTest::mouseClick(
        vp(), Qt::LeftButton, {},
        toView(scene()->nodeItem(c_.bn)->sceneBoundingRect().topLeft() + QPointF(100, 12)));
    QCOMPARE(w_->inspector()->nodeId(), c_.bn);
    auto* eps = w_->inspector()->findChild<QDoubleSpinBox*>("attr_epsilon");
    QVERIFY(eps);
    int steps = doc()->undoStack()->count();
    eps->setFocus();
    QTest::keyClick(eps, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(eps, "0.5");
    QTest::keyClick(eps, Qt::Key_Return);
    settle();
    QCOMPARE(doc()->undoStack()->count(), steps + 1);  // typed digits merged into one step
    auto* v = std::get_if<float>(&doc()->graph().node(c_.bn).attrs.at("epsilon"));
    QVERIFY(v && std::abs(*v - 0.5f) < 1e-6f);
    std::vector<nc::NodeId> re = doc()->evaluation()->lastReport().recomputed;
    QVERIFY(std::find(re.begin(), re.end(), c_.in) == re.end());
    QVERIFY(std::find(re.begin(), re.end(), c_.bn) != re.end());
    QVERIFY(std::find(re.begin(), re.end(), c_.act) != re.end());
    // The tensor view of the selected BatchNorm follows the new values.
    QVERIFY(w_->tensorView()->tensor().sharesStorageWith(*doc()->evaluation()->output({c_.bn, 0})));
    // A bad parameter: badge on the node, entry in the problems panel, activation selects it.
    QCOMPARE(w_->problems()->count(), 0);
    doc()->setConstant(c_.bn, 2, vec({1, 2, 3, 4, 5}));
    settle();
    QVERIFY(scene()->nodeItem(c_.bn)->hasError());
    QVERIFY(w_->problems()->count() >= 1);
    scene()->selectNodes({});
    Q_EMIT w_->problems()->nodeActivated(c_.bn);
    QCOMPARE(scene()->selectedNodes(), std::vector<nc::NodeId>{c_.bn});
    doc()->undoStack()->undo();
    settle();
    QCOMPARE(w_->problems()->count(), 0);
  }

  void imageAndNpyDataLoadAsOneStep() {
    buildChain();
    settle();
    int steps = doc()->undoStack()->index();
    QVERIFY(w_->loadImageFile(c_.in, QString(NC_SOURCE_DIR) + "/resources/sample.png", false));
    QCOMPARE(doc()->undoStack()->index(), steps + 1);
    settle();
    // The image is 1x3xHxW: the whole chain now sees 3 channels and BatchNorm (6 channels of
    // statistics) reports the mismatch.
    const nc::Tensor* x = doc()->evaluation()->output({c_.in, 0});
    QVERIFY(x);
    QCOMPARE(x->shape(), (nc::Shape{1, 3, 10, 12}));
    QVERIFY(scene()->nodeItem(c_.bn)->hasError());
    doc()->undoStack()->undo();
    settle();
    QVERIFY(!scene()->nodeItem(c_.bn)->hasError());
    // A .npy file as BatchNorm bias; a broken one is reported and changes nothing.
    QTemporaryDir dir;
    QString npy = dir.path() + "/b.npy";
    {
      QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }";
      while ((10 + header.size() + 1) % 64) header += ' ';
      header += '\n';
      QByteArray bytes("\x93NUMPY\x01\x00", 8);
      bytes += char(header.size() & 0xff);
      bytes += char(header.size() >> 8);
      bytes += header;
      std::vector<float> v{1, 2, 3, 4, 5, 6};
      bytes += QByteArray(reinterpret_cast<const char*>(v.data()), int(v.size() * 4));
      QFile f(npy);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(bytes);
    }
    QVERIFY(w_->loadNpyFile(c_.bn, 2, npy, false));
    QCOMPARE(doc()->graph().node(c_.bn).inputs[2].constant.toFloatVector(),
             (std::vector<float>{1, 2, 3, 4, 5, 6}));
    steps = doc()->undoStack()->index();
    QVERIFY(!w_->loadNpyFile(c_.bn, 2, dir.path() + "/missing.npy", false));
    QCOMPARE(doc()->undoStack()->index(), steps);
  }

  void paletteActivationAddsAtViewCentre() {
    QSignalSpy spy(w_->palette(), &PaletteWidget::opActivated);
    w_->palette()->setFilter("sigm");
    QTest::keyClick(w_->palette()->searchField(), Qt::Key_Return);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(doc()->graph().size(), size_t(1));
    nc::NodeId id = doc()->graph().nodeIds().front();
    QCOMPARE(doc()->graph().node(id).op, std::string("Sigmoid"));
    QRectF visible = view()->mapToScene(vp()->rect()).boundingRect();
    QVERIFY(visible.contains(scene()->nodeItem(id)->sceneBoundingRect().center()));
  }

  void longEvaluationShowsProgressAndCancels() {
    // 400 SiLUs on [1,16,96,96]: long enough to watch, and the UI stays responsive.
    w_->setProgressDelay(0);
    nc::Graph g;
    nc::NodeId prev = g.addNode("Input", "x");
    g.setAttr(prev, "shape", std::vector<int64_t>{1, 16, 96, 96});
    for (int i = 0; i < 400; ++i) {
      nc::NodeId s = g.addNode("SiLU");
      g.connect({prev, 0}, {s, 0});
      prev = s;
    }
    doc()->setGraph(g, QString());
    auto* bar = w_->statusBar()->findChild<QProgressBar*>("evalProgress");
    auto* cancel = w_->statusBar()->findChild<QToolButton*>("evalCancel");
    QVERIFY(bar && cancel);
    QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->value() > 0, 60000);
    QVERIFY(doc()->evaluation()->busy());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!doc()->evaluation()->busy());
    QTRY_VERIFY(!bar->isVisible());
    QVERIFY(w_->statusBar()->findChild<QLabel*>("evalStatus")->text().contains("cancelled"));
    // The next edit evaluates again, continuing from what was done.
    doc()->rename(doc()->graph().nodeIds().back(), "last");
    settle();
    QVERIFY(doc()->evaluation()->lastReport().ok());
    QVERIFY(doc()->evaluation()->lastReport().recomputed.size() < 401);
  }

  void tenThousandNodes() {
    nc::Graph g = syntheticGraph(10000);
    auto t0 = std::chrono::steady_clock::now();
    doc()->setGraph(g, QString());
    QApplication::processEvents();
    auto t1 = std::chrono::steady_clock::now();
    doc()->autoLayout();
    view()->frameAll();
    QApplication::processEvents();
    auto t2 = std::chrono::steady_clock::now();
    vp()->repaint();
    auto t3 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    std::printf("10,000 nodes: open %.0f ms, layout + frame %.0f ms, one full repaint %.0f ms\n",
                ms(t0, t1), ms(t1, t2), ms(t2, t3));
    QCOMPARE(scene()->nodeItemCount(), size_t(10000));
    QCOMPARE(scene()->edgeItemCount(), doc()->graph().connections().size());
    const nc::Graph& lg = doc()->graph();
    for (const nc::ConnectionId& c : lg.connections())
      QVERIFY(lg.node(c.from.node).x < lg.node(c.to.node).x);
    QVERIFY(doc()->evaluation()->waitForIdle(120000));
    // At 100% only the nodes on screen render thumbnails.
    QApplication::processEvents();
    view()->setZoom(1.0, scene()->nodeItem(lg.nodeIds()[5000])->sceneBoundingRect().center());
    vp()->repaint();
    quint64 rendered = 0;
    for (nc::NodeId id : lg.nodeIds()) rendered += scene()->nodeItem(id)->renderedThumbnails();
    std::printf("thumbnails rendered after one 100%% frame: %llu of 10,000 nodes\n",
                (unsigned long long)rendered);
    QVERIFY(rendered > 0 && rendered < 200);
  }
};

QTEST_MAIN(TestEditor)
#include "test_editor.moc"
