// Graph's name indexes (uniqueName and uniqueBlockName in O(log n)): names freed by removal and
// rename are reusable, restored and copied graphs keep the index, and adding 10,000 nodes or
// 20,000 unnamed blocks stays fast.
#include <QtTest>
#include <chrono>
#include <cstdio>
#include <set>

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

  void uniqueBlockNamesFollowEdits() {
    Graph g;
    auto named = [](const std::string& name) {
      Block b;
      b.name = name;
      return b;
    };
    BlockId a = g.addBlock(named("c3k2"));
    BlockId b = g.addBlock(named("c3k2"));
    BlockId c = g.addBlock(named("c3k2"));
    QCOMPARE(g.block(a).name, std::string("c3k2"));
    QCOMPARE(g.block(b).name, std::string("c3k2_1"));
    QCOMPARE(g.block(c).name, std::string("c3k2_2"));
    QCOMPARE(g.findBlockByName("c3k2_1")->id, b);
    // The first free suffix, as before the index: a removed or renamed name is reused.
    Block kept = g.block(b);
    g.removeBlock(b);
    QVERIFY(!g.findBlockByName("c3k2_1"));
    QCOMPARE(g.uniqueBlockName("c3k2"), std::string("c3k2_1"));
    QCOMPARE(g.addBlock(kept), b);  // undo of the removal: same id, same name
    QCOMPARE(g.block(b).name, std::string("c3k2_1"));
    QCOMPARE(g.uniqueBlockName("c3k2"), std::string("c3k2_3"));
    g.setBlockName(a, "head");
    QVERIFY(!g.findBlockByName("c3k2"));
    QCOMPARE(g.findBlockByName("head")->id, a);
    QCOMPARE(g.uniqueBlockName("c3k2"), std::string("c3k2"));
    QVERIFY_THROWS_EXCEPTION(nc::Error, g.setBlockName(c, "head"));
    g.setBlockName(c, "tail");
    QCOMPARE(g.uniqueBlockName("c3k2_"), std::string("c3k2_"));
    QCOMPARE(g.addBlock(named("c3k2_1")), BlockId(4));
    QCOMPARE(g.block(4).name, std::string("c3k2_1_1"));
    QCOMPARE(g.uniqueBlockName("head"), std::string("head_1"));
    // Copies keep the index; assignment replaces it.
    Graph copy = g;
    QCOMPARE(copy.findBlockByName("tail")->id, c);
    QCOMPARE(copy.uniqueBlockName("tail"), std::string("tail_1"));
    copy = Graph();
    QVERIFY(!copy.findBlockByName("tail"));
    QCOMPARE(copy.uniqueBlockName("tail"), std::string("tail"));
    copy = g;
    QCOMPARE(copy.findBlockByName("head")->id, a);
    QCOMPARE(copy.uniqueBlockName(""), std::string("block"));
  }

  // 5,000 unnamed blocks used to hang (every candidate name scanned every block).
  void manyUnnamedBlocksAreFast() {
    Graph g;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 20000; ++i) g.addBlock(Block());
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("20,000 unnamed addBlock: %.1f ms\n", ms);
    QCOMPARE(g.blocks().size(), size_t(20000));
    std::set<std::string> names;
    for (auto& [id, b] : g.blocks()) names.insert(b.name);
    QCOMPARE(names.size(), size_t(20000));
    QVERIFY(names.count("block") && names.count("block_1") && names.count("block_19999"));
    for (auto& [id, b] : g.blocks()) QCOMPARE(g.findBlockByName(b.name)->id, id);
  }
};

QTEST_GUILESS_MAIN(TestGraphNames)
#include "test_graph_names.moc"
