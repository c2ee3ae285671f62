// The panels driven through real widgets with key and mouse events (QT_QPA_PLATFORM=offscreen):
// palette search and activation, inspector editors and their typed requests, parameter
// initialisation, tensor statistics and the value under the cursor, the problems list, and
// image input.
#include <QtTest>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QToolButton>
#include <QTreeWidget>
#include <cmath>

#include "core/base/error.h"
#include "core/tensor/init.h"
#include "core/ops/graph_io.h"
#include "core/ops/registry.h"
#include "core/eval/shape_inference.h"
#include "core/graph/param_init.h"
#include "ui/image_input.h"
#include "ui/inspector_widget.h"
#include "ui/metatypes.h"
#include "ui/palette_widget.h"
#include "ui/problems_panel.h"
#include "ui/tensor_view.h"
#include "ui/text_parsers.h"

using namespace nc;
using namespace ncui;

namespace {

template <class W>
W* child(QWidget* parent, const QString& name) {
  W* w = parent->findChild<W*>(name);
  if (!w) qWarning() << "missing child" << name;
  return w;
}

// Replaces the text of a line edit (or spin box) the way a user does: select all, type, Enter.
void retype(QWidget* w, const QString& text, bool enter = true) {
  w->setFocus();
  QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(w, text);
  if (enter) QTest::keyClick(w, Qt::Key_Return);
}

// What a real double-click delivers: press, release, double-click, release. (QTest::mouseDClick
// alone sends only the double-click event to a widget.)
void doubleClick(QWidget* w, QPoint pos) {
  QTest::mousePress(w, Qt::LeftButton, {}, pos);
  QTest::mouseRelease(w, Qt::LeftButton, {}, pos);
  QTest::mouseDClick(w, Qt::LeftButton, {}, pos);
  QTest::mouseRelease(w, Qt::LeftButton, {}, pos);
}

QTreeWidgetItem* findOpItem(QTreeWidget* tree, const QString& op) {
  for (int i = 0; i < tree->topLevelItemCount(); ++i)
    for (int j = 0; j < tree->topLevelItem(i)->childCount(); ++j)
      if (tree->topLevelItem(i)->child(j)->data(0, Qt::UserRole).toString() == op) return tree->topLevelItem(i)->child(j);
  return nullptr;
}

// A graph Input [1, 4, 5, 5] feeding a BatchNormalization.
struct BnGraph {
  Graph g;
  NodeId x, bn;
  ShapeInfo shapes;
  BnGraph() {
    x = g.addNode("Input", "x");
    g.setAttr(x, "shape", std::vector<int64_t>{1, 4, 5, 5});
    bn = g.addNode("BatchNormalization", "bn");
    g.connect({x, 0}, {bn, 0});
    shapes = inferShapes(g);
  }
};

}  // namespace

class TestPanels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // ------------------------------------------------------------------ palette
  void paletteListsEveryOpGroupedByCategory() {
    PaletteWidget p;
    QStringList all = p.visibleOps();
    QCOMPARE(all.size(), qsizetype(allOps().size()));
    for (const OpSpec* s : allOps()) QVERIFY(all.contains(QString::fromStdString(s->type)));
    QTreeWidget* tree = p.tree();
    QCOMPARE(tree->topLevelItem(0)->text(0), QString("Graph"));
    QStringList graphOps;
    for (int j = 0; j < tree->topLevelItem(0)->childCount(); ++j)
      graphOps << tree->topLevelItem(0)->child(j)->data(0, Qt::UserRole).toString();
    QCOMPARE(graphOps, (QStringList{"Input", "Output"}));
    // Each op sits under its own category, with the spec's caption and doc.
    QTreeWidgetItem* bn = findOpItem(tree, "BatchNormalization");
    QVERIFY(bn);
    QCOMPARE(bn->parent()->text(0), QString("Normalization"));
    QCOMPARE(bn->text(0), QString("BatchNorm"));
    QVERIFY(bn->toolTip(0).contains("sqrt(var + epsilon)"));
    QVERIFY(bn->toolTip(0).contains("epsilon"));       // attributes
    QVERIFY(bn->toolTip(0).contains("input_mean"));    // ports
    QVERIFY(bn->toolTip(0).contains("parameter"));
  }

  void paletteSearchFiltersCaseInsensitively() {
    PaletteWidget p;
    p.show();
    QTest::keyClicks(p.searchField(), "NoRm");
    const QStringList shown = p.visibleOps();
    QVERIFY(shown.contains("BatchNormalization"));
    QVERIFY(!shown.contains("Sigmoid"));
    for (const QString& op : shown) {
      const OpSpec* s = findOp(op.toStdString());
      QVERIFY(QString::fromStdString(s->type + s->caption + s->category).contains("norm", Qt::CaseInsensitive));
    }
    // By category: every activation, nothing else.
    retype(p.searchField(), "activation", false);
    QVERIFY(p.visibleOps().contains("Sigmoid"));
    QVERIFY(p.visibleOps().contains("SiLU"));
    QVERIFY(!p.visibleOps().contains("BatchNormalization"));
    retype(p.searchField(), "no such op", false);
    QVERIFY(p.visibleOps().isEmpty());
    QTest::keyClick(p.searchField(), Qt::Key_Escape);  // clears the filter
    QCOMPARE(p.visibleOps().size(), qsizetype(allOps().size()));
  }

  void paletteActivationEmitsOpType() {
    PaletteWidget p;
    p.resize(300, 500);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    QSignalSpy spy(&p, &PaletteWidget::opActivated);
    // Enter in the search field adds the first match.
    QTest::keyClicks(p.searchField(), "batchnorm");
    QTest::keyClick(p.searchField(), Qt::Key_Return);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.takeFirst().at(0).toString(), QString("BatchNormalization"));
    QTest::keyClick(p.searchField(), Qt::Key_Escape);
    // Double-click on an item.
    QTreeWidgetItem* sig = findOpItem(p.tree(), "Sigmoid");
    const QRect r = p.tree()->visualItemRect(sig);
    QVERIFY(r.isValid());
    doubleClick(p.tree()->viewport(), r.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.takeFirst().at(0).toString(), QString("Sigmoid"));
    // Enter on the list.
    p.tree()->setFocus();
    p.tree()->setCurrentItem(findOpItem(p.tree(), "Input"));
    QTest::keyClick(p.tree(), Qt::Key_Return);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.takeFirst().at(0).toString(), QString("Input"));
    // Double-clicking a category does not activate anything.
    doubleClick(p.tree()->viewport(), p.tree()->visualItemRect(sig->parent()).center());
    QCOMPARE(spy.count(), 0);
  }

  void paletteDragCarriesOpMime() {
    PaletteWidget p;
    QTreeWidgetItem* it = findOpItem(p.tree(), "SiLU");
    QVERIFY(it->flags() & Qt::ItemIsDragEnabled);
    QVERIFY(!(it->parent()->flags() & Qt::ItemIsDragEnabled));
    const QModelIndex idx = p.tree()->model()->index(it->parent()->indexOfChild(it),
                                                     0, p.tree()->model()->index(p.tree()->indexOfTopLevelItem(it->parent()), 0));
    std::unique_ptr<QMimeData> mime(p.tree()->model()->mimeData({idx}));
    QVERIFY(mime);
    QVERIFY(mime->hasFormat("application/x-netcanvas-op"));
    QCOMPARE(mime->data("application/x-netcanvas-op"), QByteArray("SiLU"));
    QVERIFY(p.tree()->model()->supportedDragActions() & Qt::CopyAction);  // a drag can start
    QCOMPARE(p.tree()->dragDropMode(), QAbstractItemView::DragOnly);
  }

  // ------------------------------------------------------------------ inspector
  void inspectorBatchNormWidgets() {
    BnGraph b;
    InspectorWidget w;
    w.show();
    w.showNode(b.g, b.bn, &b.shapes);
    QVERIFY(child<QDoubleSpinBox>(&w, "attr_epsilon"));
    QVERIFY(child<QDoubleSpinBox>(&w, "attr_momentum"));
    QVERIFY(child<QSpinBox>(&w, "attr_training_mode"));
    QCOMPARE(child<QSpinBox>(&w, "attr_training_mode")->maximum(), 1);  // the spec's range (training_mode 0 or 1)
    QCOMPARE(child<QLineEdit>(&w, "name")->text(), QString("bn"));
    // Unset: the default, in italics, without a reset button.
    auto* eps = child<QDoubleSpinBox>(&w, "attr_epsilon");
    QCOMPARE(eps->text(), QString("1e-05"));
    QVERIFY(eps->font().italic());
    QVERIFY(child<QToolButton>(&w, "reset_epsilon")->isHidden());
    // One initialiser per statistic; the input type shows.
    for (const char* p : {"scale", "B", "input_mean", "input_var"}) {
      QVERIFY(child<QComboBox>(&w, QString("param_%1_scheme").arg(p)));
      QCOMPARE(child<QLineEdit>(&w, QString("param_%1_shape").arg(p))->text(), QString("4"));
    }
    QCOMPARE(child<QComboBox>(&w, "param_scale_scheme")->currentText(), QString("Ones"));
    QCOMPARE(child<QComboBox>(&w, "param_input_mean_scheme")->currentText(), QString("Zeros"));
    QVERIFY(child<QLabel>(&w, "types")->text().contains("float32[1, 4, 5, 5]"));
    QVERIFY(child<QLabel>(&w, "types")->text().contains("x:0"));
  }

  void inspectorEmitsTypedFloatAndMergesInPlace() {
    BnGraph b;
    InspectorWidget w;
    w.show();
    w.showNode(b.g, b.bn, &b.shapes);
    QSignalSpy spy(&w, &InspectorWidget::attributeEdited);
    auto* eps = child<QDoubleSpinBox>(&w, "attr_epsilon");
    retype(eps, "1e-3", false);
    QVERIFY(spy.count() >= 1);  // every valueChanged while typing; the Document merges them
    const QList<QVariant> last = spy.last();
    QCOMPARE(last.at(0).value<NodeId>(), b.bn);
    QCOMPARE(last.at(1).toString(), QString("epsilon"));
    const AttrValue v = last.at(2).value<AttrValue>();
    QVERIFY(std::holds_alternative<float>(v));
    QCOMPARE(std::get<float>(v), 1e-3f);
    // The Document applies it and shows the node again: same editor, now "set".
    b.g.setAttr(b.bn, "epsilon", std::get<float>(v));
    w.showNode(b.g, b.bn, &b.shapes);
    QCOMPARE(child<QDoubleSpinBox>(&w, "attr_epsilon"), eps);
    QVERIFY(!eps->font().italic());
    auto* reset = child<QToolButton>(&w, "reset_epsilon");
    QVERIFY(!reset->isHidden());
    QSignalSpy cleared(&w, &InspectorWidget::attributeCleared);
    QTest::mouseClick(reset, Qt::LeftButton);
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(cleared.first().at(1).toString(), QString("epsilon"));
    // Arrow keys step an int spin box and emit int64 values.
    spy.clear();
    Graph g;
    NodeId in = g.addNode("Input");
    w.showNode(g, in, nullptr);
    auto* seed = child<QSpinBox>(&w, "attr_seed");
    seed->setFocus();
    QTest::keyClick(seed, Qt::Key_Up);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(1).toString(), QString("seed"));
    QVERIFY(std::holds_alternative<int64_t>(spy.first().at(2).value<AttrValue>()));
    QCOMPARE(std::get<int64_t>(spy.first().at(2).value<AttrValue>()), int64_t(1));
  }

  void inspectorRename() {
    BnGraph b;
    InspectorWidget w;
    w.show();
    w.showNode(b.g, b.bn, &b.shapes);
    QSignalSpy spy(&w, &InspectorWidget::renameRequested);
    retype(child<QLineEdit>(&w, "name"), "bn_stem");
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).value<NodeId>(), b.bn);
    QCOMPARE(spy.first().at(1).toString(), QString("bn_stem"));
  }

  void inspectorInputWidgetsAndIntsValidation() {
    Graph g;
    NodeId in = g.addNode("Input", "image");
    ShapeInfo shapes = inferShapes(g);
    InspectorWidget w;
    w.show();
    w.showNode(g, in, &shapes);
    auto* shape = child<QLineEdit>(&w, "attr_shape");
    QVERIFY(shape);
    QVERIFY(child<QComboBox>(&w, "attr_dtype"));
    QVERIFY(child<QSpinBox>(&w, "attr_seed"));
    QVERIFY(child<QComboBox>(&w, "input_dataMode"));
    QVERIFY(!w.findChild<QWidget*>("attr_value"));  // handled by the data section
    QCOMPARE(shape->text(), QString("1, 3, 64, 64"));

    QSignalSpy edited(&w, &InspectorWidget::attributeEdited);
    QSignalSpy cleared(&w, &InspectorWidget::attributeCleared);
    // Invalid text: error shown inline, nothing emitted.
    retype(shape, "1, 3, x");
    QCOMPARE(edited.count(), 0);
    QCOMPARE(cleared.count(), 0);
    auto* err = child<QLabel>(&w, "error_shape");
    QVERIFY(!err->isHidden());
    QVERIFY2(err->text().contains("'x'"), qPrintable(err->text()));
    retype(shape, "1, -2");  // -1 is the only negative allowed
    QCOMPARE(edited.count(), 0);
    QVERIFY(err->text().contains("-2"));
    retype(shape, "1, 3,");
    QCOMPARE(edited.count(), 0);
    // Valid: one typed ints value; the error goes away.
    retype(shape, "1, 3, 32, -1");
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.first().at(1).toString(), QString("shape"));
    QCOMPARE(std::get<std::vector<int64_t>>(edited.first().at(2).value<AttrValue>()), (std::vector<int64_t>{1, 3, 32, -1}));
    QVERIFY(err->isHidden());

    // dtype is a combo of the spec's choices.
    edited.clear();
    auto* dtype = child<QComboBox>(&w, "attr_dtype");
    QCOMPARE(dtype->count(), 2);
    dtype->setFocus();
    QTest::keyClick(dtype, Qt::Key_Down);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(std::get<std::string>(edited.first().at(2).value<AttrValue>()), std::string("int64"));
  }

  void inspectorInputData() {
    Graph g;
    NodeId in = g.addNode("Input", "image");
    g.setAttr(in, "shape", std::vector<int64_t>{1, 2, 3});
    InspectorWidget w;
    w.show();
    w.showNode(g, in, nullptr);
    QSignalSpy edited(&w, &InspectorWidget::attributeEdited);
    QSignalSpy image(&w, &InspectorWidget::loadImageRequested);
    auto* mode = child<QComboBox>(&w, "input_dataMode");
    QVERIFY(child<QLabel>(&w, "input_dataSummary")->text().contains("seed 0"));
    mode->setCurrentIndex(1);
    auto* value = child<QDoubleSpinBox>(&w, "input_constValue");
    QVERIFY(value->isVisible());
    retype(value, "0.25", false);
    QTest::mouseClick(child<QPushButton>(&w, "input_fillConst"), Qt::LeftButton);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.first().at(1).toString(), QString("value"));
    const Tensor t = std::get<Tensor>(edited.first().at(2).value<AttrValue>());
    QCOMPARE(t.shape(), (Shape{1, 2, 3}));
    for (float v : t.floats()) QCOMPARE(v, 0.25f);
    mode->setCurrentIndex(2);
    QTest::mouseClick(child<QPushButton>(&w, "input_loadImage"), Qt::LeftButton);
    QCOMPARE(image.count(), 1);
    QCOMPARE(image.first().at(0).value<NodeId>(), in);
    // A dynamic dim cannot be filled: inline error, nothing emitted.
    g.setAttr(in, "shape", std::vector<int64_t>{1, -1});
    w.showNode(g, in, nullptr);
    mode->setCurrentIndex(1);
    edited.clear();
    QTest::mouseClick(child<QPushButton>(&w, "input_fillConst"), Qt::LeftButton);
    QCOMPARE(edited.count(), 0);
    QVERIFY(!child<QLabel>(&w, "input_dataError")->isHidden());
  }

  void inspectorKaimingInitialisesParam() {
    BnGraph b;
    InspectorWidget w;
    w.show();
    w.showNode(b.g, b.bn, &b.shapes);
    QSignalSpy spy(&w, &InspectorWidget::constantEdited);
    auto* scheme = child<QComboBox>(&w, "param_scale_scheme");
    scheme->setCurrentIndex(scheme->findText("Kaiming normal"));
    retype(child<QSpinBox>(&w, "param_scale_seed"), "7", false);
    QTest::mouseClick(child<QPushButton>(&w, "param_scale_init"), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).value<NodeId>(), b.bn);
    QCOMPARE(spy.first().at(1).toInt(), 1);
    const Tensor t = spy.first().at(2).value<Tensor>();
    QCOMPARE(t.shape(), (Shape{4}));  // X has 4 channels
    const Tensor expect = kaimingNormal({4}, 7);
    QCOMPARE(t.toFloatVector(), expect.toFloatVector());
    // Constant with a value.
    spy.clear();
    auto* varScheme = child<QComboBox>(&w, "param_input_var_scheme");
    varScheme->setCurrentIndex(varScheme->findText("Constant"));
    retype(child<QDoubleSpinBox>(&w, "param_input_var_value"), "2.5", false);
    QTest::mouseClick(child<QPushButton>(&w, "param_input_var_init"), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(1).toInt(), 4);
    QCOMPARE(spy.first().at(2).value<Tensor>().toFloatVector(), (std::vector<float>{2.5f, 2.5f, 2.5f, 2.5f}));
    // A bad shape is reported and nothing is emitted.
    spy.clear();
    retype(child<QLineEdit>(&w, "param_B_shape"), "4, z", false);
    QTest::mouseClick(child<QPushButton>(&w, "param_B_init"), Qt::LeftButton);
    QCOMPARE(spy.count(), 0);
    QVERIFY(!child<QLabel>(&w, "param_B_error")->isHidden());
    // .npy loading is a request.
    QSignalSpy npy(&w, &InspectorWidget::loadNpyRequested);
    QTest::mouseClick(child<QPushButton>(&w, "param_B_npy"), Qt::LeftButton);
    QCOMPARE(npy.count(), 1);
    QCOMPARE(npy.first().at(1).toInt(), 2);
    // Once set, the summary shows the constant.
    b.g.setConstant(b.bn, 1, t);
    b.shapes = inferShapes(b.g);
    w.showNode(b.g, b.bn, &b.shapes);
    QVERIFY(child<QLabel>(&w, "param_scale_summary")->text().startsWith("float32[4]"));
  }

  // The Document applies each request at once and shows the node again, from inside the
  // inspector's own signal: editors update in place and nothing dangles.
  void inspectorSynchronousRoundTrip() {
    BnGraph b;
    InspectorWidget w;
    w.show();
    auto reshow = [&] {
      b.shapes = inferShapes(b.g);
      w.showNode(b.g, w.nodeId(), &b.shapes);
    };
    QObject::connect(&w, &InspectorWidget::attributeEdited, [&](NodeId id, const QString& n, const AttrValue& v) {
      b.g.setAttr(id, n.toStdString(), v);
      reshow();
    });
    QObject::connect(&w, &InspectorWidget::attributeCleared, [&](NodeId id, const QString& n) {
      b.g.clearAttr(id, n.toStdString());
      reshow();
    });
    QObject::connect(&w, &InspectorWidget::constantEdited, [&](NodeId id, int port, const Tensor& t) {
      b.g.setConstant(id, port, t);
      reshow();
    });
    w.showNode(b.g, b.bn, &b.shapes);
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    auto* momentum = child<QDoubleSpinBox>(&w, "attr_momentum");
    retype(momentum, "0.75", false);
    QCOMPARE(std::get<float>(b.g.node(b.bn).attrs.at("momentum")), 0.75f);
    QCOMPARE(momentum->text(), QString("0.75"));  // not overwritten while typing
    QVERIFY(!child<QToolButton>(&w, "reset_momentum")->isHidden());
    for (const char* p : {"scale", "B", "input_mean", "input_var"})
      QTest::mouseClick(child<QPushButton>(&w, QString("param_%1_init").arg(p)), Qt::LeftButton);
    QVERIFY(b.shapes.diagnostics.empty());
    QCOMPARE(b.g.node(b.bn).inputs[4].constant.toFloatVector(), (std::vector<float>{1, 1, 1, 1}));
    QCOMPARE(b.g.node(b.bn).inputs[3].constant.toFloatVector(), (std::vector<float>{0, 0, 0, 0}));
    QVERIFY(child<QLabel>(&w, "types")->text().contains("Y&nbsp;&nbsp;float32[1, 4, 5, 5]"));
    QTest::mouseClick(child<QToolButton>(&w, "reset_momentum"), Qt::LeftButton);
    QVERIFY(!b.g.node(b.bn).attrs.count("momentum"));
    QTRY_VERIFY(momentum->font().italic());

    // Half-typed text in a list editor when another node is shown: dropped, not sent to it.
    QSignalSpy edited(&w, &InspectorWidget::attributeEdited);
    w.showNode(b.g, b.x, &b.shapes);
    auto* shape = child<QLineEdit>(&w, "attr_shape");
    shape->setFocus();
    QVERIFY(shape->hasFocus());
    QTest::keyClick(shape, Qt::Key_End);
    QTest::keyClicks(shape, ", 7");
    w.showNode(b.g, b.bn, &b.shapes);
    QCoreApplication::processEvents();
    QCOMPARE(edited.count(), 0);
    QVERIFY(child<QDoubleSpinBox>(&w, "attr_epsilon"));
  }

  // Conv is not registered on this branch: the shape rule is checked on a spec of the same form.
  void convWeightShapeSuggestion() {
    OpSpec conv;
    conv.type = "Conv";
    conv.inputs = {in("X"), param("W"), param("B", true)};
    conv.attrs = {attrInt("group", 1, 1, 1e9), attrInts("kernel_shape")};
    Node n;
    n.op = "Conv";
    n.inputs.resize(3);
    std::vector<std::optional<TensorType>> types = {TensorType::of({1, 8, 32, 32}), std::nullopt, std::nullopt};
    QCOMPARE(*suggestParamShape(conv, n, 1, types, 16), (Shape{16, 8, 3, 3}));  // kernel 3x3 when unset
    QCOMPARE(*suggestParamShape(conv, n, 2, types, 16), (Shape{16}));
    n.attrs["kernel_shape"] = std::vector<int64_t>{5, 1};
    n.attrs["group"] = int64_t(2);
    QCOMPARE(*suggestParamShape(conv, n, 1, types, 16), (Shape{16, 4, 5, 1}));
    // Without an explicit count: the current W's, else the input channels.
    QCOMPARE(*suggestParamShape(conv, n, 1, types), (Shape{8, 4, 5, 1}));
    n.inputs[1].constant = Tensor(DType::Float32, {32, 4, 5, 1});
    QCOMPARE(currentOutChannels(conv, n), int64_t(32));
    QCOMPARE(*suggestParamShape(conv, n, 2, types), (Shape{32}));
    // 1-D conv input gives a 1-D kernel.
    n.attrs.erase("kernel_shape");
    n.attrs["group"] = int64_t(1);
    types[0] = TensorType::of({2, 3, 50});
    QCOMPARE(*suggestParamShape(conv, n, 1, types, 6), (Shape{6, 3, 3}));
    // Unknown input type: keep the current weights' shape.
    types[0] = TensorType::unknown();
    QCOMPARE(*suggestParamShape(conv, n, 1, types, 6), (Shape{32, 4, 5, 1}));
    // ConvTranspose: W = [inC, outC/group, k...].
    conv.type = n.op = "ConvTranspose";
    n.inputs[1].constant = Tensor();
    n.attrs["group"] = int64_t(2);
    types[0] = TensorType::of({1, 8, 16, 16});
    QCOMPARE(*suggestParamShape(conv, n, 1, types, 16), (Shape{8, 8, 3, 3}));
  }

  // The default initialiser per port, shared by the inspector and Document::connectPorts.
  void defaultInitSchemes() {
    OpSpec bn;
    bn.type = "BatchNormalization";
    bn.inputs = {in("X"), param("scale"), param("B"), buffer("input_mean"), buffer("input_var")};
    QVERIFY(defaultInitScheme(bn, 1, Shape{8}) == InitScheme::Ones);
    QVERIFY(defaultInitScheme(bn, 2, Shape{8}) == InitScheme::Zeros);
    QVERIFY(defaultInitScheme(bn, 3, Shape{8}) == InitScheme::Zeros);
    QVERIFY(defaultInitScheme(bn, 4, Shape{8}) == InitScheme::Ones);
    OpSpec conv;
    conv.type = "Conv";
    conv.inputs = {in("X"), param("W"), param("B", true)};
    QVERIFY(defaultInitScheme(conv, 1, Shape({16, 8, 3, 3})) == InitScheme::KaimingNormal);
    QVERIFY(defaultInitScheme(conv, 1, std::nullopt) == InitScheme::Zeros);  // shape unknown
    QVERIFY(defaultInitScheme(conv, 2, Shape{16}) == InitScheme::Zeros);
    QCOMPARE(defaultInitSeed(3, 2), uint64_t(50));
  }

  void parseLists() {
    QString err;
    QCOMPARE(*parseIntList("1, 1", &err), (std::vector<int64_t>{1, 1}));
    QCOMPARE(*parseIntList("[2 3,4]", &err), (std::vector<int64_t>{2, 3, 4}));
    QVERIFY(parseIntList("", &err)->empty());
    QVERIFY(!parseIntList("1.5", &err));
    QVERIFY(!parseIntList("0, 1", &err, 1, 10));
    QCOMPARE(*parseFloatList("1e-3, 2", &err), (std::vector<float>{1e-3f, 2.0f}));
    QVERIFY(!parseFloatList("nan", &err));
  }

  // ------------------------------------------------------------------ tensor view
  void tensorViewStatistics() {
    // Channel 0: 1..6; channel 1: -1, 0, NaN, +Inf, 0.5, -Inf.
    const float inf = INFINITY, nan = NAN;
    Tensor t = Tensor::fromFloats({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, -1, 0, nan, inf, 0.5f, -inf});
    TensorView v;
    v.setTensor(t, "bn:0");
    const TensorStats& s = v.stats();
    QCOMPARE(s.count, int64_t(12));
    QCOMPARE(s.finite, int64_t(9));
    QCOMPARE(s.nan, int64_t(1));
    QCOMPARE(s.inf, int64_t(2));
    QCOMPARE(s.min, -1.0);
    QCOMPARE(s.max, 6.0);
    // mean = 20.5 / 9; population std over the 9 finite values, by hand.
    QVERIFY(std::fabs(s.mean - 2.2777777777777777) < 1e-12);
    QVERIFY(std::fabs(s.std - 2.249828525701843) < 1e-12);
    // 64 bins of width 7/64 from -1: -1 -> 0, 0 -> 9, 0.5 -> 13, 1 -> 18, ..., 6 -> last bin.
    QCOMPARE(s.histogram.size(), size_t(64));
    std::vector<int64_t> expect(64, 0);
    for (int bin : {0, 9, 13, 18, 27, 36, 45, 54, 63}) expect[size_t(bin)] = 1;
    QCOMPARE(s.histogram, expect);
    QCOMPARE(child<QLabel>(&v, "stat_min")->text(), QString("-1"));
    QCOMPARE(child<QLabel>(&v, "stat_max")->text(), QString("6"));
    QCOMPARE(child<QLabel>(&v, "stat_mean")->text(), QString("2.27778"));
    QCOMPARE(child<QLabel>(&v, "stat_nan")->text(), QString("1"));
    QCOMPARE(child<QLabel>(&v, "stat_inf")->text(), QString("2"));
    QCOMPARE(child<QLabel>(&v, "stat_shape")->text(), QString("[1, 2, 2, 3]"));
    QCOMPARE(child<QLabel>(&v, "tensorTitle")->text(), QString("bn:0"));
    v.clear();
    QCOMPARE(v.stats().count, int64_t(0));
  }

  // The lookup-table heatmap gives colourFor()'s colours (to within the table's step).
  void heatmapMatchesColourMap() {
    const float inf = INFINITY, nan = NAN;
    for (bool signedData : {false, true}) {
      std::vector<float> vals;
      for (int i = 0; i < 60; ++i) vals.push_back(signedData ? float(i - 30) * 0.37f : float(i) * 0.11f + 2);
      vals.insert(vals.end(), {nan, inf, -inf, 1e30f});
      Tensor t = Tensor::fromFloats({1, 1, 8, 8}, vals);
      const ValueRange r = rangeOf(t);
      QCOMPARE(r.diverging, signedData);
      const QImage img = channelImage(t, 0, r);
      QCOMPARE(img.size(), QSize(8, 8));
      for (int i = 0; i < 64; ++i) {
        const QColor got = img.pixelColor(i % 8, i / 8), want = colourFor(vals[size_t(i)], r);
        const int d = std::max({std::abs(got.red() - want.red()), std::abs(got.green() - want.green()),
                                std::abs(got.blue() - want.blue())});
        QVERIFY2(d <= 2, qPrintable(QString("value %1: %2 vs %3").arg(vals[size_t(i)]).arg(got.name(), want.name())));
      }
    }
    QVERIFY(channelImage(Tensor(DType::Float32, {1, 0, 4, 4}), 0, {}).isNull());
  }

  void tensorViewValueUnderCursorAndZoom() {
    const float inf = INFINITY, nan = NAN;
    Tensor t = Tensor::fromFloats({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, -1, 0, nan, inf, 0.5f, -inf});
    TensorView v;
    v.resize(520, 640);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    v.setTensor(t, "t");
    QCoreApplication::processEvents();
    ChannelGrid* grid = v.grid();
    QVERIFY(grid->isVisible());
    // Element (channel 1, y 1, x 1) = 0.5 at the centre of its pixel block.
    auto at = [](const QRect& r, int y, int x) {
      return QPoint(r.x() + int((x + 0.5) * r.width() / 3), r.y() + int((y + 0.5) * r.height() / 2));
    };
    const QRect r1 = grid->imageRect(1);
    QVERIFY(r1.width() > 10 && r1.height() > 6);
    QTest::mouseMove(grid->viewport(), at(r1, 1, 1));
    QTRY_COMPARE(v.hoverText(), QString("[0, 1, 1, 1] = 0.5"));
    QTest::mouseMove(grid->viewport(), at(r1, 0, 2));
    QTRY_COMPARE(v.hoverText(), QString("[0, 1, 0, 2] = NaN"));
    QTest::mouseMove(grid->viewport(), at(grid->imageRect(0), 1, 2));
    QTRY_COMPARE(v.hoverText(), QString("[0, 0, 1, 2] = 6"));
    // Click channel 1: the zoomed view, its own hover, and back.
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, at(r1, 0, 0));
    QCOMPARE(v.zoomedChannel(), int64_t(1));
    ChannelZoom* zoom = v.zoomView();
    QTRY_VERIFY(zoom->isVisible());
    QTest::mouseMove(zoom, at(zoom->imageRect(), 1, 0));
    QTRY_COMPARE(v.hoverText(), QString("[0, 1, 1, 0] = +Inf"));
    QTest::mouseMove(zoom, at(zoom->imageRect(), 1, 2));
    QTRY_COMPARE(v.hoverText(), QString("[0, 1, 1, 2] = -Inf"));
    QTest::mouseClick(child<QToolButton>(&v, "zoomBack"), Qt::LeftButton);
    QCOMPARE(v.zoomedChannel(), int64_t(-1));
    QTRY_VERIFY(grid->isVisible());
  }

  void tensorViewLargeTensorIsLazy() {
    Tensor big = randomNormal({1, 512, 80, 80}, 3);
    TensorView v;
    v.resize(600, 700);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    QElapsedTimer timer;
    timer.start();
    v.setTensor(big, "big");
    QCoreApplication::processEvents();
    v.grab();  // force a paint
    const qint64 ms = timer.elapsed();
    QVERIFY2(ms < 3000, qPrintable(QString("setTensor + paint took %1 ms").arg(ms)));
    QVERIFY(v.grid()->renderedCells() > 0);
    QVERIFY2(v.grid()->renderedCells() < 100, qPrintable(QString::number(v.grid()->renderedCells())));
    QVERIFY(std::fabs(v.stats().mean) < 0.01 && std::fabs(v.stats().std - 1) < 0.01);
    qInfo() << "1x512x80x80: setTensor + first paint" << ms << "ms," << v.grid()->renderedCells() << "cells rendered";
    // Scrolling to the end renders the last row too.
    v.grid()->verticalScrollBar()->setValue(v.grid()->verticalScrollBar()->maximum());
    v.grab();
    QVERIFY(!v.grid()->imageRect(511).isEmpty());
    QVERIFY(v.grid()->viewport()->rect().intersects(v.grid()->imageRect(511)));
  }

  // ------------------------------------------------------------------ problems panel
  void problemsPanelListsAndActivates() {
    BnGraph b;
    NodeId out = b.g.addNode("Output", "y");
    ProblemsPanel p;
    p.resize(600, 300);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    QSignalSpy count(&p, &ProblemsPanel::countChanged);
    std::vector<Diagnostic> shape = {{b.bn, 1, "node 'bn' (BatchNormalization): input 'scale' has shape [3] but X has 4 channels"}};
    std::vector<Diagnostic> eval = {{out, -1, "no value reaches the output"}};
    p.setDiagnostics(b.g, shape, eval);
    QCOMPARE(p.count(), 2);
    QCOMPARE(count.last().at(0).toInt(), 2);
    QTreeWidget* list = p.list();
    QCOMPARE(list->topLevelItemCount(), 2);
    QCOMPARE(list->topLevelItem(0)->text(1), QString("bn · scale"));  // the offending input by name
    QCOMPARE(list->topLevelItem(0)->text(2), QString("input 'scale' has shape [3] but X has 4 channels"));
    QCOMPARE(list->topLevelItem(1)->text(1), QString("y"));
    QCOMPARE(list->topLevelItem(1)->text(2), QString("no value reaches the output"));
    QSignalSpy spy(&p, &ProblemsPanel::nodeActivated);
    doubleClick(list->viewport(), list->visualItemRect(list->topLevelItem(1)).center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).value<NodeId>(), out);
    list->setFocus();
    list->setCurrentItem(list->topLevelItem(0));
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.last().at(0).value<NodeId>(), b.bn);
    p.setDiagnostics(b.g, {}, {});
    QCOMPARE(list->topLevelItemCount(), 0);
    QCOMPARE(p.count(), 0);
  }

  // ------------------------------------------------------------------ image input
  void imageInput() {
    const QString sample = QString(NC_SOURCE_DIR) + "/resources/sample.png";
    QVERIFY(QFileInfo(sample).size() < 50 * 1024);
    // Own size, no normalisation: pixel (0, 0) of the generator is (0, 0, 128).
    Tensor t = imageToTensor(sample, 0, 0, false);
    QCOMPARE(t.shape(), (Shape{1, 3, 96, 96}));
    const int64_t plane = 96 * 96;
    QCOMPARE(t.f32()[0], 0.0f);
    QCOMPARE(t.f32()[plane], 0.0f);
    QCOMPARE(t.f32()[2 * plane], 128.0f / 255.0f);
    // The disc at (60, 36) is (240, 200, 40).
    const int64_t at = 36 * 96 + 60;
    QCOMPARE(t.f32()[at], 240.0f / 255.0f);
    QCOMPARE(t.f32()[plane + at], 200.0f / 255.0f);
    // ImageNet normalisation of the same pixel.
    Tensor n = imageToTensor(sample, 0, 0, true);
    QVERIFY(std::fabs(n.f32()[at] - (240.0f / 255.0f - 0.485f) / 0.229f) < 1e-6f);
    QVERIFY(std::fabs(n.f32()[2 * plane + at] - (40.0f / 255.0f - 0.406f) / 0.225f) < 1e-6f);
    // Resized (aspect kept by centre crop).
    Tensor s = imageToTensor(sample, 32, 48, false);
    QCOMPARE(s.shape(), (Shape{1, 3, 32, 48}));
    for (float v : s.floats()) QVERIFY(v >= 0.0f && v <= 1.0f);
    // Unreadable files fail clearly.
    try {
      imageToTensor("/nonexistent/cat.png", 8, 8, false);
      QFAIL("expected an error");
    } catch (const Error& e) {
      QVERIFY(QString(e.what()).contains("/nonexistent/cat.png"));
    }
    QTemporaryDir dir;
    const QString bogus = dir.filePath("bogus.png");
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not an image");
    f.close();
    QVERIFY_THROWS_EXCEPTION(Error, imageToTensor(bogus, 8, 8, false));
  }
};

QTEST_MAIN(TestPanels)
#include "test_panels.moc"
