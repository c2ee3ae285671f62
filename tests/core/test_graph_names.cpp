// Graph's name index (uniqueName in O(log n)): names freed by removal and rename are reusable,
// restored and copied graphs keep the index, and adding 10,000 nodes stays fast.
#include <QtTest>
#include <chrono>

#include "core/base/error.h"
#include "core/graph/graph.h"

using namespace nc;

class TestGraphNames : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void uniqueNamesFollowEdits() {
    Graph g;
    NodeId a = g.addNode("SiLU");
    NodeId b = g.addNode("SiLU");
    QCOMPARE(g.node(a).name, std::string("SiLU"));
    QCOMPARE(g.node(b).name, std::string("SiLU_1"));
    QCOMPARE(g.uniqueName("SiLU"), std::string("SiLU_2"));
    g.setName(a, "act");
    QCOMPARE(g.uniqueName("SiLU"), std::string("SiLU"));  // the old name is free again
    QVERIFY_THROWS_EXCEPTION(nc::Error, g.setName(b, "act"));
    Node kept = g.node(b);
    g.removeNode(b);
    QCOMPARE(g.uniqueName("SiLU_1"), std::string("SiLU_1"));
    g.restoreNode(kept);
    QVERIFY(g.uniqueName("SiLU_1") != "SiLU_1");
    Graph copy = g;
    QCOMPARE(copy.uniqueName("act"), g.uniqueName("act"));
    QVERIFY(copy.uniqueName("act") != "act");
    copy = Graph();
    QCOMPARE(copy.uniqueName("act"), std::string("act"));
  }

  void manyNodesAreFast() {
    Graph g;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 10000; ++i) g.addNode("SiLU");
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("10,000 addNode: %.1f ms\n", ms);
    QCOMPARE(g.size(), size_t(10000));
    QCOMPARE(g.node(g.nodeIds().back()).name, std::string("SiLU_9999"));
    QVERIFY2(ms < 5000, "adding nodes is quadratic again");
  }
};

QTEST_GUILESS_MAIN(TestGraphNames)
#include "test_graph_names.moc"
