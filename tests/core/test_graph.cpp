// The graph model, evaluator staleness and whole-graph shape inference diagnostics.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/eval/evaluator.h"
#include "core/graph/graph.h"
#include "core/ops/registry.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"

using namespace nc;
using namespace nctest;

namespace {

bool throwsWith(const std::function<void()>& f, const std::string& needle,
                std::string* msg = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

// x -> s1 (Sigmoid) -> bn -> s2 (Sigmoid) -> out1;   y -> s3 (Sigmoid) -> out2
struct TwoBranches {
  Graph g;
  NodeId x, y, s1, bn, s2, s3, out1, out2;
  TwoBranches() {
    x = g.addNode("Input", "x");
    y = g.addNode("Input", "y");
    g.setAttr(x, "shape", Shape{1, 2, 3, 3});
    g.setAttr(y, "shape", Shape{4});
    s1 = g.addNode("Sigmoid", "s1");
    bn = g.addNode("BatchNormalization", "bn");
    s2 = g.addNode("Sigmoid", "s2");
    s3 = g.addNode("Sigmoid", "s3");
    out1 = g.addNode("Output", "out1");
    out2 = g.addNode("Output", "out2");
    g.connect({x, 0}, {s1, 0});
    g.connect({s1, 0}, {bn, 0});
    g.setConstant(bn, 1, Tensor::fromFloats({2}, {1.5f, 0.5f}));
    g.setConstant(bn, 2, Tensor::fromFloats({2}, {0.1f, -0.2f}));
    g.setConstant(bn, 3, Tensor::fromFloats({2}, {0.5f, 0.25f}));
    g.setConstant(bn, 4, Tensor::fromFloats({2}, {0.04f, 2.0f}));
    g.connect({bn, 0}, {s2, 0});
    g.connect({s2, 0}, {out1, 0});
    g.connect({y, 0}, {s3, 0});
    g.connect({s3, 0}, {out2, 0});
  }
};

std::vector<NodeId> sorted(std::vector<NodeId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

}  // namespace

class TestGraph : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void connectAndDisconnect() {
    Graph g;
    NodeId x = g.addNode("Input", "x"), s = g.addNode("Sigmoid"), o = g.addNode("Output");
    g.connect({x, 0}, {s, 0});
    g.connect({s, 0}, {o, 0});
    QCOMPARE(g.connections().size(), size_t(2));
    QVERIFY(g.node(s).inputs[0].source == (PortRef{x, 0}));
    // The input is taken: a second connection is refused, naming the node.
    NodeId x2 = g.addNode("Input", "x2");
    QVERIFY(throwsWith([&] { g.connect({x2, 0}, {s, 0}); }, "already connected"));
    QVERIFY(throwsWith([&] { g.connect({x, 0}, {s, 1}); }, "no input port 1"));
    QVERIFY(throwsWith([&] { g.connect({x, 3}, {o, 0}); }, "no output port 3"));
    g.disconnect({s, 0});
    QVERIFY(!g.node(s).inputs[0].source);
    QCOMPARE(g.connections().size(), size_t(1));
    QVERIFY(g.consumers({x, 0}).empty());
    g.connect({x2, 0}, {s, 0});
    QCOMPARE(g.consumers({x2, 0}), std::vector<PortRef>{(PortRef{s, 0})});
    // Removing a node drops every connection touching it.
    g.removeNode(s);
    QVERIFY(g.connections().empty());
    QVERIFY(!g.node(o).inputs[0].source);
  }

  void cycleRefused() {
    Graph g;
    NodeId a = g.addNode("Sigmoid", "a"), b = g.addNode("Sigmoid", "b"),
           c = g.addNode("Sigmoid", "c");
    g.connect({a, 0}, {b, 0});
    g.connect({b, 0}, {c, 0});
    QVERIFY(g.wouldCreateCycle({c, 0}, {a, 0}));
    std::string msg;
    QVERIFY(throwsWith([&] { g.connect({c, 0}, {a, 0}); }, "cycle", &msg));
    QVERIFY2(msg.find("'c'") != std::string::npos && msg.find("'a'") != std::string::npos,
             msg.c_str());
    QVERIFY(throwsWith([&] { g.connect({a, 0}, {a, 0}); }, "cycle"));
    QVERIFY(!g.node(a).inputs[0].source);  // nothing changed
    QCOMPARE(g.connections().size(), size_t(2));
  }

  void restoreNode() {
    Graph g;
    NodeId x = g.addNode("Input", "x"), s = g.addNode("Sigmoid", "sig"),
           o = g.addNode("Output", "o");
    g.connect({x, 0}, {s, 0});
    g.connect({s, 0}, {o, 0});
    g.setPosition(s, 12.5, -3);
    Node saved = g.node(s);
    std::vector<PortRef> consumers = g.consumers({s, 0});
    g.removeNode(s);
    QVERIFY(!g.contains(s));
    QVERIFY(!g.node(o).inputs[0].source);
    g.restoreNode(saved);
    for (PortRef c : consumers) g.connect({s, 0}, c);
    QVERIFY(g.contains(s));
    QCOMPARE(g.node(s).name, std::string("sig"));
    QCOMPARE(g.node(s).x, 12.5);
    QVERIFY(g.node(s).inputs[0].source == (PortRef{x, 0}));
    QCOMPARE(g.consumers({s, 0}), consumers);
    QVERIFY(g.nextId() > s);
    QVERIFY(throwsWith([&] { g.restoreNode(saved); }, "id in use"));
    // A restored node whose source is gone comes back unconnected.
    Node savedOut = g.node(o);
    g.removeNode(o);
    g.removeNode(s);
    g.restoreNode(savedOut);
    QVERIFY(!g.node(o).inputs[0].source);
  }

  void consumersAndTopologicalOrder() {
    Graph g;
    // Ids deliberately out of dependency order: node 1 consumes node 3.
    NodeId sink = g.addNode("Mul", "sink");        // 1
    NodeId mid = g.addNode("Sigmoid", "mid");      // 2
    NodeId src = g.addNode("Input", "src");        // 3
    NodeId other = g.addNode("Sigmoid", "other");  // 4
    g.connect({src, 0}, {mid, 0});
    g.connect({src, 0}, {other, 0});
    g.connect({mid, 0}, {sink, 0});
    g.connect({other, 0}, {sink, 1});
    QCOMPARE(sorted({g.consumers({src, 0})[0].node, g.consumers({src, 0})[1].node}),
             sorted({mid, other}));
    QCOMPARE(g.consumers({sink, 0}).size(), size_t(0));
    std::vector<NodeId> order = g.topologicalOrder();
    QCOMPARE(order, (std::vector<NodeId>{src, mid, other, sink}));
  }

  void uniqueNames() {
    Graph g;
    NodeId a = g.addNode("Sigmoid"), b = g.addNode("Sigmoid"), c = g.addNode("Sigmoid", "Sigmoid");
    QCOMPARE(g.node(a).name, std::string("Sigmoid"));
    QCOMPARE(g.node(b).name, std::string("Sigmoid_1"));
    QCOMPARE(g.node(c).name, std::string("Sigmoid_2"));
    QVERIFY(throwsWith([&] { g.setName(b, "Sigmoid"); }, "already exists"));
    QVERIFY(throwsWith([&] { g.setName(b, ""); }, "empty"));
    g.setName(b, "gate");
    QCOMPARE(g.findByName("gate")->id, b);
    QCOMPARE(g.uniqueName("gate"), std::string("gate_1"));
    QVERIFY(throwsWith([&] { g.addNode("NoSuchOp"); }, "unknown op type 'NoSuchOp'"));
  }

  void setInputCount() {
    Graph g;
    NodeId m = g.addNode("Mul");
    QVERIFY(throwsWith([&] { g.setInputCount(m, 3); }, "fixed number of inputs"));
    QCOMPARE(g.node(m).inputs.size(), size_t(2));
    // Any variadic op (Sum, Concat, Max, ...) will do; the registry must have one.
    const OpSpec* variadic = nullptr;
    for (const OpSpec* op : allOps())
      if (!op->inputs.empty() && op->inputs.back().variadic) variadic = op;
    QVERIFY2(variadic, "no variadic op is registered");
    NodeId v = g.addNode(variadic->type);
    int base = int(g.node(v).inputs.size());
    NodeId x = g.addNode("Input", "x");
    g.setInputCount(v, base + 2);
    QCOMPARE(int(g.node(v).inputs.size()), base + 2);
    g.connect({x, 0}, {v, base + 1});
    g.setInputCount(v, base);  // drops the connection on the removed port
    QCOMPARE(int(g.node(v).inputs.size()), base);
    QVERIFY(g.consumers({x, 0}).empty());
    QVERIFY(throwsWith([&] { g.setInputCount(v, 0); }, "at least"));
  }

  // Changing one attribute recomputes exactly that node and what is downstream of it.
  void evaluatorStaleness() {
    TwoBranches t;
    Evaluator ev;
    ev.setFeed("x", randn({1, 2, 3, 3}, 1));
    ev.setFeed("y", randn({4}, 2));
    EvalReport r = ev.run(t.g);
    QVERIFY(r.ok());
    QCOMPARE(r.recomputed.size(), t.g.size());
    r = ev.run(t.g);
    QVERIFY(r.recomputed.empty());

    t.g.setAttr(t.bn, "epsilon", 1e-3f);
    r = ev.run(t.g);
    QCOMPARE(r.recomputed, (std::vector<NodeId>{t.bn, t.s2, t.out1}));
    // ... and the numbers are those of a fresh evaluation.
    std::vector<Tensor> fresh =
        evaluate(t.g, {{"x", *ev.output({t.x, 0})}, {"y", *ev.output({t.y, 0})}});
    NC_CHECK(compareTensors(*ev.output({t.s2, 0}), fresh[0], {0, 0}));

    // Moving a node or renaming is not a computation change.
    t.g.setPosition(t.s1, 100, 100);
    QVERIFY(ev.run(t.g).recomputed.empty());

    // A constant change: the node and downstream.
    t.g.setConstant(t.bn, 4, Tensor::fromFloats({2}, {1.0f, 1.0f}));
    QCOMPARE(ev.run(t.g).recomputed, (std::vector<NodeId>{t.bn, t.s2, t.out1}));

    // A feed: its Input node and everything downstream of it, not the other branch.
    Tensor y2 = Tensor::fromFloats({4}, {-2, -1, 0, 3});
    ev.setFeed("y", y2);
    r = ev.run(t.g);
    QCOMPARE(r.recomputed, (std::vector<NodeId>{t.y, t.s3, t.out2}));
    const Tensor* s3 = ev.output({t.s3, 0});
    QVERIFY(s3);
    for (int i = 0; i < 4; ++i)
      QVERIFY(std::fabs(s3->f32()[i] - float(sigmoid(y2.f32()[i]))) < 1e-6f);

    // Reconnecting: the consumer and downstream.
    t.g.disconnect({t.s3, 0});
    t.g.connect({t.s1, 0}, {t.s3, 0});
    r = ev.run(t.g);
    QCOMPARE(r.recomputed, (std::vector<NodeId>{t.s3, t.out2}));
    QCOMPARE(ev.output({t.s3, 0})->shape(), (Shape{1, 2, 3, 3}));
  }

  void evaluatorErrorsAreValues() {
    TwoBranches t;
    t.g.disconnect({t.s1, 0});  // s1 has nothing to compute from
    Evaluator ev;
    ev.setFeed("y", randn({4}, 2));
    EvalReport r = ev.run(t.g);
    QCOMPARE(r.errors.size(), size_t(1));
    QCOMPARE(r.errors[0].node, t.s1);
    QVERIFY2(r.errors[0].message.find("'s1'") != std::string::npos, r.errors[0].message.c_str());
    QVERIFY(!ev.output({t.s2, 0}));  // skipped downstream
    QVERIFY(ev.output({t.s3, 0}));   // the other branch still ran
  }

  void shapeDiagnosticBatchNormScale() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 3, 4, 4});
    NodeId bn = g.addNode("BatchNormalization", "bn1");
    g.connect({x, 0}, {bn, 0});
    g.setConstant(bn, 1, Tensor::fromFloats({4}, {1, 1, 1, 1}));
    NodeId s = g.addNode("Sigmoid", "after");
    g.connect({bn, 0}, {s, 0});
    ShapeInfo info = inferShapes(g);
    QCOMPARE(info.diagnostics.size(), size_t(1));
    const Diagnostic* d = info.diagnosticFor(bn);
    QVERIFY(d);
    QCOMPARE(d->input, 1);
    for (const char* needle : {"bn1", "scale", "[4]", "[1, 3, 4, 4]"})
      QVERIFY2(d->message.find(needle) != std::string::npos,
               (d->message + " lacks " + needle).c_str());
    // Fixed: no diagnostics, the type flows on.
    g.setConstant(bn, 1, Tensor::fromFloats({3}, {1, 1, 1}));
    info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({s, 0})->dims, (Shape{1, 3, 4, 4}));
  }

  void unconnectedInputIsUnknown() {
    Graph g;
    NodeId bn = g.addNode("BatchNormalization", "bn");
    NodeId s = g.addNode("Sigmoid", "s");
    g.connect({bn, 0}, {s, 0});
    NodeId lone = g.addNode("Sigmoid", "lone");
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QVERIFY(!info.type({bn, 0})->rankKnown);
    QVERIFY(!info.type({s, 0})->rankKnown);
    QVERIFY(!info.type({lone, 0})->rankKnown);
    QVERIFY(!info.inputType(g, {lone, 0}).has_value());
  }
};

QTEST_APPLESS_MAIN(TestGraph)
#include "test_graph.moc"
