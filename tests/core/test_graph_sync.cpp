// nc::syncGraphTo: a live graph brought to an earlier or later state of itself reproduces that
// state byte for byte (project bytes), notifies only what differs, and keeps the evaluator's
// per-node reuse correct (outputs after a round trip equal a fresh evaluation).
#include <QtTest>

#include "core/blocks/library.h"
#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/graph/graph_sync.h"
#include "core/project/project.h"

using namespace nc;

namespace {

std::string bytes(const Graph& g) {
  ProjectBytes b = serializeProject(g);
  return b.json + '\0' + b.weights;
}

struct Counter : GraphObserver {
  int added = 0, removed = 0, connections = 0, blocks = 0;
  void nodeAdded(NodeId) override { ++added; }
  void nodeRemoved(NodeId) override { ++removed; }
  void connectionAdded(const ConnectionId&) override { ++connections; }
  void connectionRemoved(const ConnectionId&) override { ++connections; }
  void blockChanged(BlockId) override { ++blocks; }
  int total() const { return added + removed + connections + blocks; }
};

Graph smallYolo() {
  yolo::Yolo11Config cfg;
  cfg.imageSize = 64;
  return yolo::buildYolo11(cfg);
}

bool sameOutputs(const Evaluator& a, const Evaluator& b, const Graph& g) {
  for (NodeId id : g.outputNodes()) {
    PortRef src = *g.node(id).inputs[0].source;
    const Tensor *x = a.output(src), *y = b.output(src);
    if (!x || !y || x->shape() != y->shape() || x->toFloatVector() != y->toFloatVector())
      return false;
  }
  return true;
}

}  // namespace

class TestGraphSync : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void syncToItselfChangesNothing() {
    Graph g = smallYolo();
    Graph same = g;
    Counter c;
    g.addObserver(&c);
    syncGraphTo(g, same);
    g.removeObserver(&c);
    QCOMPARE(c.total(), 0);
    QCOMPARE(bytes(g), bytes(same));
  }

  void regenerateRoundTripIsExactAndLocal() {
    Graph g = smallYolo();
    Evaluator live;
    QVERIFY(live.run(g).ok());
    const Graph before = g;
    const BlockId b = g.findBlockByName("model.2")->id;
    blocks::regenerateBlock(g, b, {{"n", int64_t(2)}});
    const Graph after = g;
    QVERIFY(bytes(before) != bytes(after));
    QVERIFY(after.size() > before.size());

    Counter c;
    g.addObserver(&c);
    syncGraphTo(g, before);  // undo
    QCOMPARE(bytes(g), bytes(before));
    // Only the regenerated block's inside and its consumers were replaced, not the whole model.
    QVERIFY2(c.removed < int(after.size()) / 3, qPrintable(QString::number(c.removed)));
    syncGraphTo(g, after);  // redo
    QCOMPARE(bytes(g), bytes(after));
    syncGraphTo(g, before);
    QCOMPARE(bytes(g), bytes(before));
    g.removeObserver(&c);

    // The evaluator that followed the live graph reuses unchanged nodes and still computes what
    // a fresh evaluation of the restored graph computes.
    EvalReport r = live.run(g);
    QVERIFY(r.ok());
    QVERIFY(r.recomputed.size() < g.size());
    Evaluator fresh;
    QVERIFY(fresh.run(before).ok());
    QVERIFY(sameOutputs(live, fresh, g));
  }

  void blockAndNameChangesRoundTrip() {
    Graph g = smallYolo();
    const Graph before = g;
    // Swap two block names and two node names, re-nest a block, collapse, move, ungroup one.
    BlockId a = g.findBlockByName("model.0")->id, b = g.findBlockByName("model.1")->id;
    g.setBlockName(a, "tmp");
    g.setBlockName(b, "model.0");
    g.setBlockName(a, "model.1");
    NodeId x = g.findByName("model.0.conv")->id, y = g.findByName("model.1.conv")->id;
    g.setName(x, "tmp");
    g.setName(y, "model.0.conv");
    g.setName(x, "model.1.conv");
    g.setBlockParent(a, b);
    g.setBlockCollapsed(b, false);
    g.setBlockPosition(b, 123, 456);
    g.removeBlock(g.findBlockByName("model.9")->id);
    blocks::groupNodes(g, {g.findByName("model.10.cv1.conv")->id}, "extra");
    const Graph after = g;
    syncGraphTo(g, before);
    QCOMPARE(bytes(g), bytes(before));
    syncGraphTo(g, after);
    QCOMPARE(bytes(g), bytes(after));
  }
};

QTEST_MAIN(TestGraphSync)
#include "test_graph_sync.moc"
