// Composite-block metadata of the graph model: membership, nesting, the collapsed item a node is
// drawn in, the ports a collapsed block shows, ungrouping, and that blocks never touch computation.
#include <QtTest>

#include "core/base/error.h"
#include "core/graph/graph.h"

using namespace nc;

namespace {

struct Recorder : GraphObserver {
  std::vector<BlockId> changed;
  void blockChanged(BlockId b) override { changed.push_back(b); }
};

// x -> a (Sigmoid) -> b (Mul with x) -> c (Relu) -> out ; a half-built Tanh t with no input.
struct Sample {
  Graph g;
  NodeId x, a, b, c, out, t;
  Sample() {
    x = g.addNode("Input", "x");
    a = g.addNode("Sigmoid", "a");
    b = g.addNode("Mul", "b");
    c = g.addNode("Relu", "c");
    out = g.addNode("Output", "out");
    t = g.addNode("Tanh", "t");
    g.connect({x, 0}, {a, 0});
    g.connect({x, 0}, {b, 0});
    g.connect({a, 0}, {b, 1});
    g.connect({b, 0}, {c, 0});
    g.connect({c, 0}, {out, 0});
  }
};

Block blockNamed(const std::string& name, BlockId parent = kNoBlock) {
  Block b;
  b.name = name;
  b.parent = parent;
  return b;
}

}  // namespace

class TestGraphBlocks : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void membershipAndNesting() {
    Sample s;
    Recorder rec;
    s.g.addObserver(&rec);
    uint64_t revA = s.g.node(s.a).revision;
    BlockId silu = s.g.addBlock(blockNamed("silu"));
    BlockId outer = s.g.addBlock(blockNamed("outer"));
    s.g.setBlockParent(silu, outer);
    s.g.setNodeBlock(s.a, silu);
    s.g.setNodeBlock(s.b, silu);
    s.g.setNodeBlock(s.c, outer);
    QVERIFY(rec.changed.size() >= 5);
    QCOMPARE(s.g.node(s.a).revision, revA);  // metadata only
    QCOMPARE(s.g.blockNodes(outer), (std::vector<NodeId>{s.a, s.b, s.c}));
    QCOMPARE(s.g.blockNodes(outer, false), (std::vector<NodeId>{s.c}));
    QCOMPARE(s.g.childBlocks(kNoBlock), (std::vector<BlockId>{outer}));
    QVERIFY(s.g.nodeInBlock(s.a, outer));
    QVERIFY(!s.g.nodeInBlock(s.x, outer));
    // Both collapsed: the outermost collapsed block is what the canvas draws.
    QCOMPARE(s.g.visibleBlock(s.a), outer);
    s.g.setBlockCollapsed(outer, false);
    QCOMPARE(s.g.visibleBlock(s.a), silu);
    QCOMPARE(s.g.visibleBlock(s.c), kNoBlock);
    s.g.setBlockCollapsed(silu, false);
    QCOMPARE(s.g.visibleBlock(s.a), kNoBlock);
    // Names are unique among blocks; cycles of parents are refused.
    QCOMPARE(s.g.block(s.g.addBlock(blockNamed("silu"))).name, std::string("silu_1"));
    QVERIFY_THROWS_EXCEPTION(Error, s.g.setBlockName(silu, "outer"));
    QVERIFY_THROWS_EXCEPTION(Error, s.g.setBlockParent(outer, silu));
    QVERIFY_THROWS_EXCEPTION(Error, s.g.setNodeBlock(s.a, 999));
    s.g.removeObserver(&rec);
  }

  void portsOfACollapsedBlock() {
    Sample s;
    BlockId silu = s.g.addBlock(blockNamed("silu"));
    s.g.setNodeBlock(s.a, silu);
    s.g.setNodeBlock(s.b, silu);
    BlockPorts p = s.g.blockPorts(silu);
    // x feeds a and b: one input port with two targets; b's output is consumed by c outside.
    QCOMPARE(p.inputs.size(), size_t(1));
    QCOMPARE(*p.inputs[0].source, (PortRef{s.x, 0}));
    QCOMPARE(p.inputs[0].targets, (std::vector<PortRef>{{s.a, 0}, {s.b, 0}}));
    QCOMPARE(p.outputs, (std::vector<PortRef>{{s.b, 0}}));
    // A block nobody consumes exposes its sinks; unbound data inputs are ports too.
    BlockId loose = s.g.addBlock(blockNamed("loose"));
    s.g.setNodeBlock(s.t, loose);
    p = s.g.blockPorts(loose);
    QCOMPARE(p.inputs.size(), size_t(1));
    QVERIFY(!p.inputs[0].source);
    QCOMPARE(p.inputs[0].targets, (std::vector<PortRef>{{s.t, 0}}));
    QCOMPARE(p.outputs, (std::vector<PortRef>{{s.t, 0}}));
    // Weights (param ports) are not ports of the block.
    NodeId conv = s.g.addNode("Conv", "conv");
    s.g.setNodeBlock(conv, loose);
    p = s.g.blockPorts(loose);
    QCOMPARE(p.inputs.size(), size_t(2));
    QCOMPARE(p.inputs[1].targets, (std::vector<PortRef>{{conv, 0}}));
  }

  void ungroupMovesMembersToTheParent() {
    Sample s;
    BlockId outer = s.g.addBlock(blockNamed("outer"));
    Block conv = blockNamed("inner", outer);
    conv.type = "Conv";
    conv.params = {{"k", int64_t(3)}};
    BlockId inner = s.g.addBlock(conv);
    BlockId leaf = s.g.addBlock(blockNamed("leaf", inner));
    s.g.setNodeBlock(s.a, inner);
    s.g.setNodeBlock(s.b, leaf);
    s.g.removeBlock(inner);
    QVERIFY(!s.g.containsBlock(inner));
    QCOMPARE(s.g.node(s.a).block, outer);
    QCOMPARE(s.g.block(leaf).parent, outer);
    QCOMPARE(s.g.blockNodes(outer), (std::vector<NodeId>{s.a, s.b}));
    // Undo of an ungroup: the block comes back under its old id.
    Block again = blockNamed("inner", outer);
    again.id = inner;
    QCOMPARE(s.g.addBlock(again), inner);
    // Removing a node leaves its block; restoring a node into a vanished block puts it on top.
    Node n = s.g.node(s.a);
    s.g.removeNode(s.a);
    s.g.removeBlock(outer);
    s.g.restoreNode(n);
    QCOMPARE(s.g.node(s.a).block, kNoBlock);
    // Copies carry blocks.
    Graph copy = s.g;
    QCOMPARE(copy.blocks().size(), s.g.blocks().size());
    QCOMPARE(copy.node(s.b).block, leaf);
  }
};

QTEST_APPLESS_MAIN(TestGraphBlocks)
#include "test_graph_blocks.moc"
