// Layered layout: inputs left, outputs right, every edge goes left to right, no two nodes of a
// layer overlap, chains stay straight, and a 10,000-node graph lays out quickly (timing printed).
#include <QtTest>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "core/layout/layout.h"

using namespace nc;

namespace {

std::map<NodeId, NodePosition> byId(const std::vector<NodePosition>& ps) {
  std::map<NodeId, NodePosition> m;
  for (auto& p : ps) m[p.id] = p;
  return m;
}

// A DAG of `n` nodes: Input -> chains of SiLU/Sigmoid with Mul joins and skip connections ->
// Output.
Graph generated(int n, uint64_t seed) {
  Graph g;
  std::mt19937_64 rng(seed);
  std::vector<NodeId> pool{g.addNode("Input", "x")};
  while (int(g.size()) < n - 1) {
    NodeId a = pool[pool.size() - 1 - rng() % std::min<size_t>(pool.size(), 6)];
    if (rng() % 4 == 0 && pool.size() > 2) {
      NodeId b = pool[pool.size() - 1 - rng() % std::min<size_t>(pool.size(), 12)];
      NodeId m = g.addNode("Mul");
      g.connect({a, 0}, {m, 0});
      g.connect({b, 0}, {m, 1});
      pool.push_back(m);
    } else {
      NodeId u = g.addNode(rng() % 2 ? "SiLU" : "Sigmoid");
      g.connect({a, 0}, {u, 0});
      pool.push_back(u);
    }
  }
  NodeId out = g.addNode("Output", "y");
  g.connect({pool.back(), 0}, {out, 0});
  return g;
}

void checkInvariants(const Graph& g, const std::vector<NodePosition>& ps,
                     const LayoutOptions& opt) {
  QCOMPARE(ps.size(), g.size());
  auto m = byId(ps);
  for (const ConnectionId& c : g.connections())
    QVERIFY2(m[c.from.node].x < m[c.to.node].x, "edge goes right to left");
  std::map<int, std::vector<double>> cols;
  for (auto& p : ps) cols[p.layer].push_back(p.y);
  for (auto& [l, ys] : cols) {
    std::sort(ys.begin(), ys.end());
    for (size_t i = 1; i < ys.size(); ++i)
      QVERIFY2(ys[i] - ys[i - 1] >= opt.nodeSpacing - 1e-6, "overlap in a layer");
  }
  double maxX = 0;
  for (auto& p : ps) maxX = std::max(maxX, p.x);
  for (NodeId o : g.outputNodes()) QCOMPARE(m[o].x, maxX);
  for (NodeId i : g.inputNodes()) QCOMPARE(m[i].x, 0.0);
}

}  // namespace

class TestLayout : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyGraph() { QVERIFY(layeredLayout(Graph()).empty()); }

  void chainIsStraight() {
    Graph g;
    NodeId in = g.addNode("Input"), a = g.addNode("SiLU"), b = g.addNode("Sigmoid"),
           out = g.addNode("Output");
    g.connect({in, 0}, {a, 0});
    g.connect({a, 0}, {b, 0});
    g.connect({b, 0}, {out, 0});
    LayoutOptions opt;
    auto ps = layeredLayout(g, opt);
    checkInvariants(g, ps, opt);
    auto m = byId(ps);
    QCOMPARE(m[in].x, 0.0);
    QCOMPARE(m[a].x, opt.layerSpacing);
    QCOMPARE(m[b].x, 2 * opt.layerSpacing);
    QCOMPARE(m[out].x, 3 * opt.layerSpacing);
    for (NodeId id : {a, b, out}) QCOMPARE(m[id].y, m[in].y);
  }

  void outputsRightInputsLeft() {
    // Two inputs, a diamond and two outputs at different depths.
    Graph g;
    NodeId x = g.addNode("Input"), z = g.addNode("Input");
    NodeId s = g.addNode("SiLU"), t = g.addNode("Sigmoid"), m = g.addNode("Mul"),
           u = g.addNode("SiLU");
    NodeId o1 = g.addNode("Output"), o2 = g.addNode("Output");
    g.connect({x, 0}, {s, 0});
    g.connect({x, 0}, {t, 0});
    g.connect({s, 0}, {m, 0});
    g.connect({t, 0}, {m, 1});
    g.connect({m, 0}, {u, 0});
    g.connect({u, 0}, {o1, 0});
    g.connect({z, 0}, {o2, 0});
    LayoutOptions opt;
    auto ps = layeredLayout(g, opt);
    checkInvariants(g, ps, opt);
    auto pm = byId(ps);
    QCOMPARE(pm[o2].x, pm[o1].x);
    // The diamond's two arms share a layer, one above the other, Mul between them.
    QCOMPARE(pm[s].x, pm[t].x);
    QVERIFY(std::min(pm[s].y, pm[t].y) <= pm[m].y && pm[m].y <= std::max(pm[s].y, pm[t].y));
  }

  void barycentreAvoidsCrossings() {
    // Two parallel chains whose nodes were created interleaved in the "wrong" order.
    Graph g;
    NodeId a0 = g.addNode("Input"), b0 = g.addNode("Input");
    NodeId b1 = g.addNode("SiLU"), a1 = g.addNode("SiLU");
    NodeId b2 = g.addNode("SiLU"), a2 = g.addNode("SiLU");
    g.connect({a0, 0}, {a1, 0});
    g.connect({a1, 0}, {a2, 0});
    g.connect({b0, 0}, {b1, 0});
    g.connect({b1, 0}, {b2, 0});
    auto m = byId(layeredLayout(g));
    QVERIFY((m[a0].y < m[b0].y) == (m[a1].y < m[b1].y));
    QVERIFY((m[a1].y < m[b1].y) == (m[a2].y < m[b2].y));
  }

  void nodeHeightsKeepTallNodesApart() {
    // x feeds a tall and a short node in the same layer.
    Graph g;
    NodeId x = g.addNode("Input"), tall = g.addNode("SiLU"), small = g.addNode("Sigmoid");
    g.connect({x, 0}, {tall, 0});
    g.connect({x, 0}, {small, 0});
    LayoutOptions opt;
    opt.nodeHeight = [&](NodeId id) { return id == tall ? 500.0 : 80.0; };
    opt.verticalGap = 30;
    auto m = byId(layeredLayout(g, opt));
    QCOMPARE(m[tall].x, m[small].x);
    const NodePosition& upper = m[tall].y < m[small].y ? m[tall] : m[small];
    const NodePosition& lower = m[tall].y < m[small].y ? m[small] : m[tall];
    double upperHeight = upper.id == tall ? 500 : 80;
    QVERIFY(lower.y - upper.y >= upperHeight + 30 - 1e-9);
  }

  void generatedGraphsKeepInvariants() {
    for (uint64_t seed : {1u, 2u, 3u}) {
      Graph g = generated(300, seed);
      LayoutOptions opt;
      checkInvariants(g, layeredLayout(g, opt), opt);
    }
  }

  void tenThousandNodes() {
    Graph g = generated(10000, 7);
    auto t0 = std::chrono::steady_clock::now();
    auto ps = layeredLayout(g);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("layout of %zu nodes, %zu edges: %.1f ms\n", g.size(), g.connections().size(), ms);
    LayoutOptions opt;
    checkInvariants(g, ps, opt);
  }
};

QTEST_GUILESS_MAIN(TestLayout)
#include "test_layout.moc"
