// The document's operations headless (no view): each is one undo step, refusals are messages
// and change nothing, delete restores constants and connections, drags and attribute edits
// merge, copy/paste keeps weights and internal connections, files round-trip.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ui/document.h"

using namespace ncui;

namespace {

nc::Tensor vec(std::vector<float> v) { return nc::Tensor::fromFloats({int64_t(v.size())}, v); }

}  // namespace

class TestDocument : public QObject {
  Q_OBJECT

  struct Chain {
    nc::NodeId in, bn, act;
  };
  Chain build(Document& d) {
    Chain c;
    c.in = d.addNode("Input", {0, 0}, "x");
    d.setAttribute(c.in, "shape", std::vector<int64_t>{1, 3, 4, 4});
    c.bn = d.addNode("BatchNormalization", {300, 0});
    c.act = d.addNode("SiLU", {600, 0});
    d.connectPorts({c.in, 0}, {c.bn, 0});  // initialises BN's statistics (one step)
    d.connectPorts({c.bn, 0}, {c.act, 0});
    return c;
  }

 private Q_SLOTS:
  void eachOperationIsOneUndoStep() {
    Document d;
    Chain c = build(d);
    QCOMPARE(d.undoStack()->count(), 6);
    QCOMPARE(d.graph().node(c.bn).inputs[1].constant.toFloatVector(), std::vector<float>(3, 1.0f));
    QCOMPARE(d.shapes().type({c.act, 0})->dims, (nc::Shape{1, 3, 4, 4}));
    d.undoStack()->undo();  // bn -> act
    d.undoStack()->undo();  // in -> bn with the initialised weights
    QVERIFY(d.graph().node(c.bn).inputs[1].constant.empty());
    QVERIFY(!d.shapes().type({c.act, 0})->rankKnown);  // shapes follow undo at once
  }

  void refusalsAreMessages() {
    Document d;
    Chain c = build(d);
    QSignalSpy msg(&d, &Document::message);
    int steps = d.undoStack()->count();
    QVERIFY(!d.connectPorts({c.act, 0}, {c.bn, 0}));  // occupied
    QVERIFY(msg.last().at(0).toString().contains("already connected"));
    nc::NodeId mul = d.addNode("Mul", {});
    d.connectPorts({c.act, 0}, {mul, 0});
    steps = d.undoStack()->count();
    QVERIFY(!d.connectPorts({mul, 0}, {mul, 1}));
    QVERIFY(msg.last().at(0).toString().contains("cycle"));
    QVERIFY(!d.rename(c.act, "x"));
    QVERIFY(msg.last().at(0).toString().contains("already exists"));
    QCOMPARE(d.addNode("NoSuchOp", {}), nc::kNoNode);
    d.setAttribute(c.bn, "epsilon", int64_t(3));  // wrong type
    QCOMPARE(d.undoStack()->count(), steps);
  }

  void deleteRestoresEverything() {
    Document d;
    Chain c = build(d);
    d.setConstant(c.bn, 1, vec({2, 3, 4}));
    nc::Graph before = d.graph();
    d.deleteNodes({c.bn});
    QCOMPARE(d.graph().size(), size_t(2));
    QCOMPARE(d.graph().connections().size(), size_t(0));
    d.undoStack()->undo();
    QCOMPARE(d.graph().connections(), before.connections());
    QCOMPARE(d.graph().node(c.bn).inputs[1].constant.toFloatVector(),
             (std::vector<float>{2, 3, 4}));
    QCOMPARE(d.graph().node(c.bn).name, before.node(c.bn).name);
  }

  void dragsAndEditsMerge() {
    Document d;
    Chain c = build(d);
    int steps = d.undoStack()->count();
    int drag = d.newDragId();
    for (int i = 1; i <= 10; ++i) d.moveNodes({{c.act, QPointF(600 + i, i)}}, drag);
    QCOMPARE(d.undoStack()->count(), steps + 1);
    d.moveNodes({{c.act, QPointF(0, 0)}}, d.newDragId());
    QCOMPARE(d.undoStack()->count(), steps + 2);
    d.undoStack()->undo();
    d.undoStack()->undo();
    QCOMPARE(d.graph().node(c.act).x, 600.0);
    steps = d.undoStack()->index();
    d.setAttribute(c.bn, "epsilon", 0.1f);
    d.setAttribute(c.bn, "epsilon", 0.2f);
    d.setAttribute(c.bn, "momentum", 0.5f);
    QCOMPARE(d.undoStack()->count(), steps + 2);
    d.clearAttribute(c.bn, "epsilon");
    QVERIFY(!d.graph().node(c.bn).attrs.count("epsilon"));
    d.undoStack()->undo();
    QCOMPARE(std::get<float>(d.graph().node(c.bn).attrs.at("epsilon")), 0.2f);
  }

  void copyPasteKeepsWeightsAndInternalConnections() {
    Document d;
    Chain c = build(d);
    d.setConstant(c.bn, 2, vec({7, 8, 9}));
    QByteArray clip = d.copy({c.bn, c.act});
    auto ids = d.paste(clip, {0, 200});
    QCOMPARE(ids.size(), size_t(2));
    const nc::Node& bn2 = d.graph().node(ids[0]);
    QCOMPARE(bn2.inputs[2].constant.toFloatVector(), (std::vector<float>{7, 8, 9}));
    QVERIFY(!bn2.inputs[0].source);  // the connection from outside is not copied
    QCOMPARE(d.graph().node(ids[1]).inputs[0].source,
             (std::optional<nc::PortRef>{nc::PortRef{ids[0], 0}}));
    QCOMPARE(bn2.y, d.graph().node(c.bn).y + 200);
    QVERIFY(bn2.name != d.graph().node(c.bn).name);
    d.undoStack()->undo();
    QCOMPARE(d.graph().size(), size_t(3));
    QSignalSpy msg(&d, &Document::message);
    QVERIFY(d.paste("not a clipboard", {}).empty());
    QCOMPARE(msg.count(), 1);
  }

  void variadicInputCountIsUndoable() {
    Document d;
    Chain c = build(d);
    nc::NodeId cat = d.addNode("Concat", {900, 0});
    QCOMPARE(d.graph().node(cat).inputs.size(), size_t(1));
    QVERIFY(d.setInputCount(cat, 3));
    QCOMPARE(d.graph().node(cat).inputs.size(), size_t(3));
    d.connectPorts({c.act, 0}, {cat, 2});
    QVERIFY(d.setInputCount(cat, 2));  // drops the connection on port 2
    QCOMPARE(d.graph().connections().size(), size_t(2));
    d.undoStack()->undo();
    QCOMPARE(d.graph().node(cat).inputs.size(), size_t(3));
    QCOMPARE(d.graph().node(cat).inputs[2].source,
             (std::optional<nc::PortRef>{nc::PortRef{c.act, 0}}));
    QSignalSpy msg(&d, &Document::message);
    QVERIFY(!d.setInputCount(c.act, 2));
    QVERIFY(!d.setInputCount(cat, 0));
    QCOMPARE(msg.count(), 2);
  }

  void autoLayoutIsOneStepLeftToRight() {
    Document d;
    Chain c = build(d);
    d.moveNodes({{c.in, QPointF(900, 500)}, {c.act, QPointF(-300, 40)}});
    int steps = d.undoStack()->count();
    d.autoLayout();
    QCOMPARE(d.undoStack()->count(), steps + 1);
    QVERIFY(d.graph().node(c.in).x < d.graph().node(c.bn).x);
    QVERIFY(d.graph().node(c.bn).x < d.graph().node(c.act).x);
  }

  void crowdedFilesAreLaidOutOnOpen() {
    // Positions from a tool that does not know our node sizes: 100 apart, nodes are ~200 wide.
    nc::Graph g;
    nc::NodeId a = g.addNode("Input", "x"), b = g.addNode("SiLU"), c = g.addNode("Output");
    g.connect({a, 0}, {b, 0});
    g.connect({b, 0}, {c, 0});
    g.setPosition(a, 0, 0);
    g.setPosition(b, 100, 0);
    g.setPosition(c, 200, 0);
    Document d;
    d.setGraph(g, {});
    QVERIFY(d.graph().node(b).x - d.graph().node(a).x > 200);
    QVERIFY(d.graph().node(c).x - d.graph().node(b).x > 200);
    // A roomy arrangement is kept as it is.
    g.setPosition(b, 400, 30);
    g.setPosition(c, 800, -20);
    d.setGraph(g, {});
    QCOMPARE(d.graph().node(b).x, 400.0);
    QCOMPARE(d.graph().node(c).y, -20.0);
  }

  void filesRoundTripAndBadFilesChangeNothing() {
    Document d;
    build(d);
    QTemporaryDir dir;
    QString p = dir.path() + "/m.ncproj";
    d.save(p);
    QVERIFY(!d.isModified());
    Document e;
    e.load(p);
    QCOMPARE(e.graph().connections(), d.graph().connections());
    QCOMPARE(e.path(), p);
    QFile f(dir.path() + "/bad.ncproj");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"format\": \"netcanvas-project\", \"version\": 99}");
    f.close();
    QVERIFY_THROWS_EXCEPTION(std::exception, e.load(dir.path() + "/bad.ncproj"));
    QCOMPARE(e.graph().size(), size_t(3));
    QCOMPARE(e.path(), p);
  }
};

QTEST_MAIN(TestDocument)
#include "test_document.moc"
