// Composite blocks in the editor, driven through the real window (offscreen): grouping into one
// block item with derived ports, ungroup, collapse/expand (items, frames, edges), rename through
// the block inspector, regenerating a C3k2 from its parameter editor (node count, evaluation,
// outside edges) with undo restoring byte-identical project bytes, a refused parameter, the
// user's block library (save, palette, insert), wiring into a block's port, and the YOLO11n
// template (24 blocks + Input/Output, no overlaps, evaluation without errors).
#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QTimer>
#include <QSettings>
#include <QMessageBox>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include "app/main_window.h"
#include "core/blocks/library.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/validate.h"
#include "core/project/project.h"
#include "ui/block_inspector.h"
#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/graph_scene.h"
#include "ui/graph_view.h"
#include "ui/node_item.h"
#include "ui/palette_widget.h"
#include "tests/ui/quick_export.h"

using namespace ncui;

namespace {

std::string projectBytes(const nc::Graph& g) {
  nc::ProjectBytes b = nc::serializeProject(g);
  return b.json + '\0' + b.weights;
}

}  // namespace

class TestBlocksUi : public QObject {
  Q_OBJECT

  MainWindow* w_ = nullptr;
  QTemporaryDir blockDir_;
  Document* doc() { return w_->document(); }
  GraphScene* scene() { return w_->scene(); }
  QWidget* vp() { return w_->view()->viewport(); }
  QPoint toView(QPointF p) { return w_->view()->mapFromScene(p); }

  void settle() {
    QVERIFY(doc()->evaluation()->waitForIdle(120000));
    QApplication::processEvents();
  }

  // Input [1, 4, 6, 6] -> Relu -> Sigmoid -> Output, built through the document.
  struct Chain {
    nc::NodeId in, relu, sig, out;
  };
  Chain chain() {
    Chain c{};
    c.in = doc()->addNode("Input", {0, 0});
    doc()->setAttribute(c.in, "shape", std::vector<int64_t>{1, 4, 6, 6});
    c.relu = doc()->addNode("Relu", {300, 0});
    c.sig = doc()->addNode("Sigmoid", {600, 0});
    c.out = doc()->addNode("Output", {900, 0});
    doc()->connectPorts({c.in, 0}, {c.relu, 0});
    doc()->connectPorts({c.relu, 0}, {c.sig, 0});
    doc()->connectPorts({c.sig, 0}, {c.out, 0});
    return c;
  }

  // Input [1, 16, 16, 16] -> C3k2 (library block) -> Output.
  nc::BlockId c3k2Graph(nc::NodeId* inOut = nullptr, nc::NodeId* outOut = nullptr) {
    nc::NodeId in = doc()->addNode("Input", {0, 0});
    doc()->setAttribute(in, "shape", std::vector<int64_t>{1, 16, 16, 16});
    nc::BlockId b = doc()->insertLibraryBlock("C3k2", {300, 0}, {{in, 0}});
    if (b == nc::kNoBlock) return b;
    nc::NodeId out = doc()->addNode("Output", {700, 0});
    nc::BlockPorts ports = doc()->graph().blockPorts(b);
    if (ports.outputs.size() != 1) return nc::kNoBlock;
    doc()->connectPorts(ports.outputs.front(), {out, 0});
    if (inOut) *inOut = in;
    if (outOut) *outOut = out;
    return b;
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("NetCanvasTest");
    QApplication::setApplicationName("NetCanvasTest");
    QVERIFY(blockDir_.isValid());
    qputenv("NETCANVAS_BLOCK_DIR", blockDir_.path().toLocal8Bit());
  }

  void init() {
    w_ = new MainWindow;
    w_->resize(1400, 900);
    w_->show();
    QVERIFY(QTest::qWaitForWindowExposed(w_));
    w_->view()->setZoom(1.0, QPointF(0, 0));
    w_->view()->centerOn(QPointF(450, 100));
    QApplication::processEvents();
  }

  void cleanup() {
    doc()->undoStack()->setClean();
    delete w_;
    w_ = nullptr;
  }

  void groupMakesOneBlockItemAndUndoRestores() {
    Chain c = chain();
    settle();
    const std::string before = projectBytes(doc()->graph());
    const int steps = doc()->undoStack()->count();
    QCOMPARE(scene()->visibleItemCount(), size_t(4));
    scene()->selectNodes({c.relu, c.sig});
    QTest::keyClick(vp(), Qt::Key_G, Qt::ControlModifier);  // Edit > Blocks > Group
    QCOMPARE(doc()->undoStack()->count(), steps + 1);
    QCOMPARE(doc()->graph().blocks().size(), size_t(1));
    nc::BlockId b = doc()->graph().blocks().begin()->first;
    QCOMPARE(doc()->graph().node(c.relu).block, b);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    BlockItem* item = scene()->blockItem(b);
    QVERIFY(item);
    QCOMPARE(item->inputCount(), 1);
    QCOMPARE(item->outputCount(), 1);
    QVERIFY(!scene()->nodeItem(c.relu)->isVisible());
    QVERIFY(!scene()->nodeItem(c.sig)->isVisible());
    QCOMPARE(scene()->visibleItemCount(), size_t(3));
    // In -> block, block -> Out; the Relu -> Sigmoid wire inside the block is hidden.
    QCOMPARE(scene()->visibleEdgeCount(), size_t(2));
    QVERIFY(!scene()->edgeItem({{c.relu, 0}, {c.sig, 0}})->isVisible());
    QPointF blockIn = item->mapToScene(item->inputPortPos(0));
    QCOMPARE(scene()->inputPortScenePos({c.relu, 0}), blockIn);
    QCOMPARE(scene()->outputPortScenePos({c.sig, 0}), item->mapToScene(item->outputPortPos(0)));
    // The block is selected and shown by the block inspector.
    QCOMPARE(scene()->currentBlock(), b);
    QCOMPARE(w_->blockInspector()->blockId(), b);
    settle();

    doc()->undoStack()->undo();
    QCOMPARE(scene()->blockItemCount(), size_t(0));
    QCOMPARE(scene()->visibleItemCount(), size_t(4));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(3));
    QVERIFY(scene()->nodeItem(c.relu)->isVisible());
    QCOMPARE(projectBytes(doc()->graph()), before);
    doc()->undoStack()->redo();
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(scene()->visibleItemCount(), size_t(3));
  }

  void ungroupAndUndo() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig}, "pair");
    QVERIFY(b != nc::kNoBlock);
    QCOMPARE(QString::fromStdString(doc()->graph().block(b).name), QString("pair"));
    const std::string grouped = projectBytes(doc()->graph());
    scene()->selectBlocks({b});
    QTest::keyClick(vp(), Qt::Key_G, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(doc()->graph().blocks().empty());
    QCOMPARE(scene()->blockItemCount(), size_t(0));
    QCOMPARE(scene()->visibleItemCount(), size_t(4));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(3));
    // The nodes that were inside are selected now.
    QCOMPARE(scene()->selectedNodes(), (std::vector<nc::NodeId>{c.relu, c.sig}));
    doc()->undoStack()->undo();
    QCOMPARE(projectBytes(doc()->graph()), grouped);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(scene()->visibleItemCount(), size_t(3));
  }

  void expandAndCollapseChangeItemsAndEdges() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig});
    QCOMPARE(scene()->frameCount(), size_t(0));
    // A real double-click on the block item expands it.
    // Only the block's left edge is in view at first.
    BlockItem* item = scene()->blockItem(b);
    QRectF visible = w_->view()->mapToScene(vp()->rect()).boundingRect();
    w_->view()->centerOn(item->scenePos() + QPointF(-visible.width() / 2 + 50, 60));
    QApplication::processEvents();
    QPoint at = toView(item->mapToScene(QPointF(20, 20)));
    QVERIFY(vp()->rect().contains(at));
    QTest::mouseDClick(vp(), Qt::LeftButton, {}, at);
    QApplication::processEvents();
    QVERIFY(!doc()->graph().block(b).collapsed);
    QCOMPARE(scene()->blockItemCount(), size_t(0));
    QCOMPARE(scene()->frameCount(), size_t(1));
    QCOMPARE(scene()->visibleItemCount(), size_t(4));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(3));
    // The frame surrounds its nodes, not the others.
    QRectF frame = scene()->blockFrame(b)->sceneBoundingRect();
    QVERIFY(frame.contains(scene()->nodeItem(c.relu)->sceneBoundingRect().center()));
    QVERIFY(frame.contains(scene()->nodeItem(c.sig)->sceneBoundingRect().center()));
    QVERIFY(!frame.contains(scene()->nodeItem(c.in)->sceneBoundingRect().center()));
    // The expanded block is in sight.
    QVERIFY(w_->view()->mapToScene(vp()->rect()).boundingRect().contains(frame));
    // Moving a member moves the frame with it.
    QPointF relu = scene()->nodeItem(c.relu)->pos();
    doc()->moveNodes({{c.relu, relu + QPointF(0, 200)}});
    QVERIFY(scene()->blockFrame(b)->sceneBoundingRect().bottom() > frame.bottom() + 150);
    doc()->undoStack()->undo();
    // Dragging the frame's title moves its members (one undo step).
    {
      QPointF sig = scene()->nodeItem(c.sig)->pos(), in = scene()->nodeItem(c.in)->pos();
      QRectF title = scene()->blockFrame(b)->titleRect();
      QPoint a = toView(QPointF(title.left() + 40, title.center().y()));
      QPoint to = a + QPoint(30, 150);
      const int steps = doc()->undoStack()->index();
      QTest::mousePress(vp(), Qt::LeftButton, {}, a);
      for (int i = 1; i <= 4; ++i) QTest::mouseMove(vp(), a + (to - a) * i / 4);
      QTest::mouseRelease(vp(), Qt::LeftButton, {}, to);
      QCOMPARE(doc()->undoStack()->index(), steps + 1);
      QCOMPARE(scene()->nodeItem(c.sig)->pos(), sig + QPointF(30, 150));
      QCOMPARE(scene()->nodeItem(c.in)->pos(), in);  // not a member
      QVERIFY(scene()->blockFrame(b)->sceneBoundingRect().top() > frame.top() + 100);
      doc()->undoStack()->undo();
      QCOMPARE(scene()->nodeItem(c.sig)->pos(), sig);
    }
    // Collapse from the frame's toggle button.
    QPointF toggle = scene()->blockFrame(b)->toggleRect().center();
    QTest::mouseClick(vp(), Qt::LeftButton, {}, toView(toggle));
    QVERIFY(doc()->graph().block(b).collapsed);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(scene()->frameCount(), size_t(0));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(2));
    // Undo of the collapse and of the expansion.
    doc()->undoStack()->undo();
    QCOMPARE(scene()->frameCount(), size_t(1));
    doc()->undoStack()->undo();
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QVERIFY(doc()->graph().block(b).collapsed);
  }

  void dragMovesCollapsedBlock() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig});
    BlockItem* item = scene()->blockItem(b);
    QPointF start = item->pos();
    QPoint a = toView(item->mapToScene(QPointF(BlockItem::kWidth / 2, 12)));
    QPoint to = a + QPoint(0, 120);
    const int steps = doc()->undoStack()->count();
    QTest::mousePress(vp(), Qt::LeftButton, {}, a);
    for (int i = 1; i <= 4; ++i) QTest::mouseMove(vp(), a + (to - a) * i / 4);
    QTest::mouseRelease(vp(), Qt::LeftButton, {}, to);
    QCOMPARE(doc()->undoStack()->count(), steps + 1);  // one merged move
    QVERIFY(std::abs(doc()->graph().block(b).y - (start.y() + 120)) < 2);
    QCOMPARE(item->pos(), QPointF(doc()->graph().block(b).x, doc()->graph().block(b).y));
    // Its edges follow.
    QCOMPARE(scene()->edgeItem({{c.in, 0}, {c.relu, 0}})->toPos(),
             item->mapToScene(item->inputPortPos(0)));
    doc()->undoStack()->undo();
    QCOMPARE(scene()->blockItem(b)->pos(), start);
  }

  void wireIntoBlockPort() {
    Chain c = chain();
    doc()->disconnectPort({c.relu, 0});
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig});
    BlockItem* item = scene()->blockItem(b);
    QCOMPARE(item->inputCount(), 1);  // Relu's unbound input
    QVERIFY(!item->ports().inputs[0].source);
    const int steps = doc()->undoStack()->count();
    QPoint from = toView(scene()->outputPortScenePos({c.in, 0}));
    QPoint to = toView(item->mapToScene(item->inputPortPos(0)));
    QTest::mousePress(vp(), Qt::LeftButton, {}, from);
    for (int i = 1; i <= 4; ++i) QTest::mouseMove(vp(), from + (to - from) * i / 4);
    QTest::mouseRelease(vp(), Qt::LeftButton, {}, to);
    QCOMPARE(doc()->undoStack()->count(), steps + 1);
    QCOMPARE(doc()->graph().node(c.relu).inputs[0].source,
             std::optional<nc::PortRef>(nc::PortRef{c.in, 0}));
    QVERIFY(scene()->blockItem(b)->ports().inputs[0].source);
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
  }

  void renameThroughInspector() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig}, "pair");
    scene()->selectBlocks({b});
    BlockInspector* bi = w_->blockInspector();
    QCOMPARE(bi->blockId(), b);
    QCOMPARE(bi->nameEdit()->text(), QString("pair"));
    bi->nameEdit()->setFocus();
    bi->nameEdit()->selectAll();
    QTest::keyClicks(bi->nameEdit(), "activation");
    QTest::keyClick(bi->nameEdit(), Qt::Key_Return);
    QCOMPARE(QString::fromStdString(doc()->graph().block(b).name), QString("activation"));
    doc()->undoStack()->undo();
    QCOMPARE(QString::fromStdString(doc()->graph().block(b).name), QString("pair"));
    // A taken name is refused with a message; nothing changes.
    doc()->groupNodes({c.out}, "other");
    QSignalSpy msg(doc(), &Document::message);
    QVERIFY(!doc()->renameBlock(b, "other"));
    QCOMPARE(msg.count(), 1);
    QCOMPARE(QString::fromStdString(doc()->graph().block(b).name), QString("pair"));
  }

  void c3k2ParameterRegeneratesAndUndoIsExact() {
    nc::NodeId in = nc::kNoNode, out = nc::kNoNode;
    nc::BlockId b = c3k2Graph(&in, &out);
    QVERIFY(b != nc::kNoBlock);
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QVERIFY(scene()->blockItem(b)->summary().contains("n=1"));
    const std::string before = projectBytes(doc()->graph());
    const size_t nodesBefore = doc()->graph().size();
    const size_t insideBefore = doc()->graph().blockNodes(b).size();
    // n = 2 from the inspector's spin box (committed like Enter in the field).
    scene()->selectBlocks({b});
    auto* n = qobject_cast<QSpinBox*>(w_->blockInspector()->paramEditor("n"));
    QVERIFY(n);
    QCOMPARE(n->value(), 1);
    const int steps = doc()->undoStack()->count();
    n->setValue(2);
    QCOMPARE(doc()->undoStack()->count(), steps + 1);
    QVERIFY(doc()->graph().blockNodes(b).size() > insideBefore);
    QVERIFY(doc()->graph().size() > nodesBefore);
    QCOMPARE(std::get<int64_t>(doc()->graph().block(b).params.at("n")), int64_t(2));
    QVERIFY(scene()->blockItem(b)->summary().contains("n=2"));
    // Outside edges intact: the input still feeds the block, the output still reads from it.
    nc::BlockPorts ports = doc()->graph().blockPorts(b);
    QCOMPARE(ports.inputs.size(), size_t(1));
    QCOMPARE(ports.inputs[0].source, std::optional<nc::PortRef>(nc::PortRef{in, 0}));
    QVERIFY(doc()->graph().node(out).inputs[0].source);
    QVERIFY(doc()->graph().nodeInBlock(doc()->graph().node(out).inputs[0].source->node, b));
    QCOMPARE(scene()->visibleItemCount(), size_t(3));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(2));
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
    QVERIFY(doc()->evaluation()->output({out, 0}) == nullptr ||
            doc()->evaluation()->output(doc()->graph().blockPorts(b).outputs[0]));
    // Undo: byte-identical project.
    doc()->undoStack()->undo();
    QCOMPARE(projectBytes(doc()->graph()), before);
    QCOMPARE(doc()->graph().size(), nodesBefore);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(2));
    QCOMPARE(n->value(), 1);  // the inspector follows undo
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
    doc()->undoStack()->redo();
    QCOMPARE(std::get<int64_t>(doc()->graph().block(b).params.at("n")), int64_t(2));
    // A flag: shortcut off keeps the node count, changes the graph.
    auto* shortcut = qobject_cast<QCheckBox*>(w_->blockInspector()->paramEditor("shortcut"));
    QVERIFY(shortcut);
    shortcut->setChecked(!shortcut->isChecked());
    QCOMPARE(doc()->undoStack()->count(), steps + 2);
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
  }

  void badParameterIsReportedAndChangesNothing() {
    nc::BlockId b = c3k2Graph();
    QVERIFY(b != nc::kNoBlock);
    scene()->selectBlocks({b});
    const std::string before = projectBytes(doc()->graph());
    const int steps = doc()->undoStack()->count();
    // Unknown parameter and out-of-range value, as the inspector would request them.
    std::map<std::string, nc::AttrValue> p = doc()->graph().block(b).params;
    p["n"] = int64_t(99);
    Q_EMIT w_->blockInspector()->paramsEdited(b, p);
    QVERIFY(!w_->blockInspector()->error().isEmpty());
    QVERIFY(w_->blockInspector()->error().contains("n"));
    QVERIFY(!w_->statusBar()->currentMessage().isEmpty());
    QCOMPARE(doc()->undoStack()->count(), steps);
    QCOMPARE(projectBytes(doc()->graph()), before);
    QSignalSpy msg(doc(), &Document::message);
    QVERIFY(!doc()->setBlockParams(b, {{"bogus", int64_t(1)}}));
    QCOMPARE(msg.count(), 1);
    QVERIFY(msg.at(0).at(0).toString().contains("bogus"));
    QCOMPARE(projectBytes(doc()->graph()), before);
    // A plain group has no parameters to regenerate.
    nc::BlockId plain = doc()->groupNodes({doc()->graph().inputNodes().front()});
    QVERIFY(!doc()->setBlockParams(plain, {{"n", int64_t(2)}}));
  }

  void saveToLibraryAndInsert() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig}, "pair");
    QVERIFY(w_->saveBlockToLibrary(b, "relu_sigmoid", false));
    QString path = QDir(blockDir_.path()).filePath("relu_sigmoid.ncproj");
    QVERIFY(QFile::exists(path));
    QVERIFY(Document::userBlockFiles().contains(QFileInfo(path).absoluteFilePath()));
    // The palette lists it under "My Blocks".
    QVERIFY(
        w_->palette()->visibleBlocks().contains("userblock:" + QFileInfo(path).absoluteFilePath()));
    QVERIFY(w_->palette()->visibleBlocks().contains("block:C3k2"));
    const size_t nodes = doc()->graph().size();
    const int steps = doc()->undoStack()->count();
    nc::BlockId copy =
        scene()->insertBlockSpec("userblock:" + QFileInfo(path).absoluteFilePath(), {200, 400});
    QVERIFY(copy != nc::kNoBlock);
    QCOMPARE(doc()->undoStack()->count(), steps + 1);
    QCOMPARE(doc()->graph().size(), nodes + 2);
    QCOMPARE(doc()->graph().blockNodes(copy).size(), size_t(2));
    QCOMPARE(scene()->blockItemCount(), size_t(2));
    QCOMPARE(scene()->currentBlock(), copy);
    // Its input is unbound; wiring the graph input to it makes it compute.
    nc::BlockPorts ports = doc()->graph().blockPorts(copy);
    QCOMPARE(ports.inputs.size(), size_t(1));
    QVERIFY(doc()->connectToBlock({c.in, 0}, copy, 0));
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
    QVERIFY(doc()->evaluation()->output(doc()->graph().blockPorts(copy).outputs[0]));
    doc()->undoStack()->undo();
    doc()->undoStack()->undo();
    QCOMPARE(doc()->graph().size(), nodes);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    // A library block from the palette needs the node that feeds it selected.
    scene()->selectNodes({});
    QSignalSpy msg(doc(), &Document::message);
    QCOMPARE(scene()->insertBlockSpec("block:Conv", {200, 600}), nc::kNoBlock);
    QCOMPARE(msg.count(), 1);
    QVERIFY(msg.at(0).at(0).toString().contains("select"));
    scene()->selectNodes({c.in});
    nc::BlockId conv = scene()->insertBlockSpec("block:Conv", {200, 600});
    QVERIFY(conv != nc::kNoBlock);
    QCOMPARE(QString::fromStdString(doc()->graph().block(conv).type), QString("Conv"));
    QVERIFY(doc()->graph().block(conv).collapsed);
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
  }

  void deleteBlockRemovesItsNodes() {
    Chain c = chain();
    nc::BlockId b = doc()->groupNodes({c.relu, c.sig});
    const std::string before = projectBytes(doc()->graph());
    scene()->selectBlocks({b});
    scene()->deleteSelection();
    QCOMPARE(doc()->graph().size(), size_t(2));
    QVERIFY(doc()->graph().blocks().empty());
    QCOMPARE(scene()->blockItemCount(), size_t(0));
    QCOMPARE(scene()->visibleItemCount(), size_t(2));
    doc()->undoStack()->undo();
    QCOMPARE(projectBytes(doc()->graph()), before);
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(scene()->visibleEdgeCount(), size_t(2));
  }

  void copyPasteOfNodesInsideBlocks() {
    Chain c = chain();
    nc::BlockId pair = doc()->groupNodes({c.relu, c.sig});
    QVERIFY(doc()->setBlockCollapsed(pair, false));
    // Part of a block: pasted at top level, visible.
    auto ids = doc()->duplicate({c.relu});
    QCOMPARE(ids.size(), size_t(1));
    QCOMPARE(doc()->graph().node(ids[0]).block, nc::kNoBlock);
    QVERIFY(scene()->nodeItem(ids[0])->isVisible());
    doc()->undoStack()->undo();
    // Both nodes and the Output: the block (wholly inside) comes along, with its wire.
    ids = doc()->duplicate({c.relu, c.sig, c.out});
    QCOMPARE(ids.size(), size_t(3));
    QCOMPARE(doc()->graph().blocks().size(), size_t(2));
    nc::BlockId copied = doc()->graph().node(ids[0]).block;
    QVERIFY(copied != nc::kNoBlock && copied != pair);
    QCOMPARE(doc()->graph().node(ids[1]).block, copied);
    QCOMPARE(doc()->graph().node(ids[2]).block, nc::kNoBlock);
    QCOMPARE(doc()->graph().node(ids[1]).inputs[0].source,
             std::optional<nc::PortRef>(nc::PortRef{ids[0], 0}));
    QCOMPARE(doc()->graph().node(ids[2]).inputs[0].source,
             std::optional<nc::PortRef>(nc::PortRef{ids[1], 0}));
    doc()->undoStack()->undo();
    doc()->undoStack()->undo();  // the expansion
    // A selected block is duplicated as a block (Ctrl+D), one undo step.
    nc::BlockId b = doc()->graph().node(c.relu).block;
    scene()->selectBlocks({b});
    const int steps = doc()->undoStack()->index();
    w_->view()->setFocus();
    QTest::keyClick(w_->view(), Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(doc()->undoStack()->index(), steps + 1);
    QCOMPARE(doc()->graph().blocks().size(), size_t(2));
    QCOMPARE(scene()->blockItemCount(), size_t(2));
    nc::BlockId copy =
        scene()->selectedBlocks().size() == 1 ? scene()->selectedBlocks().front() : nc::kNoBlock;
    QVERIFY(copy != nc::kNoBlock && copy != b);
    QCOMPARE(doc()->graph().blockNodes(copy).size(), size_t(2));
    QVERIFY(doc()->graph().block(copy).collapsed);
    doc()->undoStack()->undo();
    QCOMPARE(scene()->blockItemCount(), size_t(1));
    QCOMPARE(doc()->graph().size(), size_t(4));
  }

  void yolo11nTemplate() {
    QVERIFY(w_->newFromTemplate("yolo11n", false));
    const nc::Graph& g = doc()->graph();
    QCOMPARE(scene()->blockItemCount(), size_t(24));
    QCOMPARE(scene()->visibleItemCount(), size_t(26));  // 24 blocks + images + output0
    for (auto& [id, b] : g.blocks())
      if (b.parent == nc::kNoBlock) QVERIFY(scene()->blockItem(id));
    for (int i = 0; i < 24; ++i)
      QVERIFY2(g.findBlockByName("model." + std::to_string(i)),
               qPrintable(QString("model.%1").arg(i)));
    QCOMPARE(QString::fromStdString(g.findBlockByName("model.2")->type), QString("C3k2"));
    // No two visible items overlap.
    std::vector<QRectF> rects = scene()->visibleItemRects();
    QCOMPARE(rects.size(), size_t(26));
    for (size_t i = 0; i < rects.size(); ++i)
      for (size_t j = i + 1; j < rects.size(); ++j)
        QVERIFY2(!rects[i].intersects(rects[j]),
                 qPrintable(QString("items %1 and %2 overlap").arg(i).arg(j)));
    // Readable: the layout is folded into rows (not one 7000-unit strip).
    QRectF all = scene()->contentRect();
    QVERIFY2(all.width() < 4 * all.height(),
             qPrintable(QString("%1 x %2").arg(all.width()).arg(all.height())));
    // Only edges between items are drawn (model.6 -> model.12 concat, ...).
    QVERIFY(scene()->visibleEdgeCount() < 40);
    QVERIFY(!doc()->isModified());
    settle();
    QVERIFY(doc()->evaluation()->lastReport().errors.empty());
    QVERIFY(doc()->shapes().diagnostics.empty());
    // The Detect block previews its output.
    BlockItem* detect = scene()->blockItem(g.findBlockByName("model.23")->id);
    QVERIFY(!detect->ensureThumbnail().isNull());
    {
      // Regenerating a block of the whole model and undoing it restores the exact bytes.
      const std::string before = projectBytes(g);
      nc::BlockId m4 = g.findBlockByName("model.4")->id;
      QVERIFY(doc()->setBlockParams(m4, {{"n", int64_t(3)}}));
      QVERIFY(projectBytes(g) != before);
      QCOMPARE(scene()->visibleItemCount(), size_t(26));
      doc()->undoStack()->undo();
      QCOMPARE(projectBytes(g), before);
      // The Detect head (nested blocks) expands in place and collapses back on undo.
      QVERIFY(doc()->setBlockCollapsed(g.findBlockByName("model.23")->id, false));
      QCOMPARE(scene()->frameCount(), size_t(1));
      doc()->undoStack()->undo();
      QCOMPARE(scene()->frameCount(), size_t(0));
      QCOMPARE(projectBytes(g), before);
    }
    // Expanding a C3k2 shows its inside in place without overlaps among its items.
    nc::BlockId c3k2 = g.findBlockByName("model.2")->id;
    QVERIFY(doc()->setBlockCollapsed(c3k2, false));
    QCOMPARE(scene()->frameCount(), size_t(1));
    QVERIFY(scene()->visibleItemCount() > 26);
    // Nothing visible overlaps after the expansion (the layout makes room when needed).
    rects = scene()->visibleItemRects();
    for (size_t i = 0; i < rects.size(); ++i)
      for (size_t j = i + 1; j < rects.size(); ++j) QVERIFY(!rects[i].intersects(rects[j]));
    doc()->undoStack()->undo();
    QCOMPARE(scene()->visibleItemCount(), size_t(26));
  }

  // Ctrl+E with "Blocks as ONNX functions" set: the report names the form, the written file holds
  // YOLO11n's blocks as functions, and its outputs match the editor's previews.
  void exportBlocksAsFunctionsFromTheEditor() {
    QVERIFY(w_->newFromTemplate("yolo11n", false));
    settle();
    QTemporaryDir dir;
    QString path = dir.filePath("functions.onnx");
    QString report = quickExport(w_, path, true);
    QVERIFY2(report.contains("blocks as functions") && report.contains("1 of 1 outputs match"), qPrintable(report));
    nc::ValidationReport v = nc::validateModelBytes(nc::readFileBytes(path.toStdString()));
    QVERIFY(!v.functions.empty());
    QCOMPARE(nc::importModel(path.toStdString()).blocks().size(), doc()->graph().blocks().size());
  }

  void importedOnnxWithBlocksShowsCollapsed() {
    QVERIFY(w_->newFromTemplate("yolo11n", false));
    QTemporaryDir dir;
    QString path = dir.filePath("yolo11n.onnx");
    // Blocks travel as ONNX functions (a PyTorch export's blocks come from scope recognition:
    // tests/ui/test_open_torch_models.cpp).
    nc::ExportOptions opt;
    opt.functions = true;
    nc::exportModel(doc()->graph(), path.toStdString(), opt);
    QVERIFY(w_->openFile(path, false));
    const nc::Graph& g = doc()->graph();
    size_t top = 0;
    for (auto& [id, b] : g.blocks()) top += b.parent == nc::kNoBlock ? 1 : 0;
    QCOMPARE(top, size_t(24));
    QCOMPARE(scene()->blockItemCount(), top);
    std::vector<QRectF> rects = scene()->visibleItemRects();
    for (size_t i = 0; i < rects.size(); ++i)
      for (size_t j = i + 1; j < rects.size(); ++j) QVERIFY(!rects[i].intersects(rects[j]));
  }
};

QTEST_MAIN(TestBlocksUi)
#include "test_blocks_ui.moc"
