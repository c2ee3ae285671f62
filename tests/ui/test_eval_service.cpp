// Background evaluation: results arrive by queued signal without blocking the caller, a newer
// snapshot cancels and replaces the running one, cancel() stops a run, progress is reported,
// and only stale nodes are recomputed.
#include <QSignalSpy>
#include <QtTest>
#include <chrono>

#include "ui/eval_service.h"
#include "ui/synthetic_graph.h"

using namespace ncui;

namespace {

// A chain of n SiLUs on a [1,c,h,w] input.
nc::Graph chain(int n, std::vector<int64_t> shape, std::vector<nc::NodeId>* ids = nullptr) {
  nc::Graph g;
  nc::NodeId prev = g.addNode("Input", "x");
  g.setAttr(prev, "shape", shape);
  if (ids) ids->push_back(prev);
  for (int i = 0; i < n; ++i) {
    nc::NodeId s = g.addNode("SiLU");
    g.connect({prev, 0}, {s, 0});
    prev = s;
    if (ids) ids->push_back(s);
  }
  return g;
}

}  // namespace

class TestEvalService : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void deliversResultsAsynchronously() {
    EvalService ev;
    QSignalSpy finished(&ev, &EvalService::finished);
    std::vector<nc::NodeId> ids;
    nc::Graph g = chain(3, {1, 2, 4, 4}, &ids);
    ev.schedule(g);
    QVERIFY(ev.busy());
    QCOMPARE(finished.count(), 0);  // nothing delivered before the event loop runs
    QVERIFY(ev.waitForIdle());
    QCOMPARE(finished.count(), 1);
    const nc::Tensor* x = ev.output({ids[0], 0});
    const nc::Tensor* y = ev.output({ids[1], 0});
    QVERIFY(x && y);
    float v = x->f32()[5];
    QVERIFY(std::abs(y->f32()[5] - v / (1 + std::exp(-v))) < 1e-6f);
    QCOMPARE(ev.lastReport().recomputed.size(), size_t(4));
    QVERIFY(ev.nodeVersion(ids[3]) > 0);
  }

  void recomputesOnlyStaleNodes() {
    EvalService ev;
    std::vector<nc::NodeId> ids;
    nc::Graph g = chain(4, {1, 2, 4, 4}, &ids);
    ev.schedule(g);
    QVERIFY(ev.waitForIdle());
    quint64 v1 = ev.nodeVersion(ids[1]), v3 = ev.nodeVersion(ids[3]);
    // Replace the third node's input: nodes 3.. are stale, 0..2 are not.
    g.disconnect({ids[3], 0});
    g.connect({ids[1], 0}, {ids[3], 0});
    ev.schedule(g);
    QVERIFY(ev.waitForIdle());
    std::vector<nc::NodeId> re = ev.lastReport().recomputed;
    QCOMPARE(re, (std::vector<nc::NodeId>{ids[3], ids[4]}));
    QCOMPARE(ev.nodeVersion(ids[1]), v1);
    QVERIFY(ev.nodeVersion(ids[3]) > v3);
  }

  void newerSnapshotWins() {
    EvalService ev;
    QSignalSpy finished(&ev, &EvalService::finished);
    std::vector<nc::NodeId> ids;
    nc::Graph g = chain(300, {1, 16, 96, 96}, &ids);  // long enough to be running when replaced
    ev.schedule(g);
    QTest::qWait(5);
    g.setAttr(ids[0], "shape", std::vector<int64_t>{1, 1, 3, 3});  // the user edits meanwhile
    ev.schedule(g);
    QVERIFY(ev.waitForIdle(120000));
    for (nc::NodeId id : ids) {
      const nc::Tensor* out = ev.output({id, 0});
      QVERIFY(out);
      QCOMPARE(out->shape(), (nc::Shape{1, 1, 3, 3}));
    }
    QVERIFY(finished.count() >= 1);
  }

  void cancelStopsAndReportsProgress() {
    EvalService ev;
    QSignalSpy progress(&ev, &EvalService::progress);
    QSignalSpy cancelled(&ev, &EvalService::cancelled);
    nc::Graph big = chain(300, {1, 16, 96, 96});
    auto t0 = std::chrono::steady_clock::now();
    ev.schedule(big);
    // The caller is not blocked by the evaluation.
    QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 60000);
    ev.cancel();
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!ev.busy());
    // A cancelled run keeps what it finished: rescheduling continues rather than restarts.
    ev.schedule(big);
    QVERIFY(ev.waitForIdle(300000));
    QVERIFY(ev.lastReport().recomputed.size() < big.size());
    QCOMPARE(ev.lastReport().errors.size(), size_t(0));
    // Nodes computed by the cancelled run (not "recomputed" now) still count as changed for
    // the previews: every node has a version and an output.
    for (nc::NodeId id : big.nodeIds()) {
      QVERIFY(ev.output({id, 0}));
      QVERIFY(ev.nodeVersion(id) > 0);
    }
  }
};

QTEST_MAIN(TestEvalService)
#include "test_eval_service.moc"
