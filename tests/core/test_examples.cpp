// Every bundled example project loads, has no shape errors, evaluates, exports to a file the
// ONNX checker accepts, and ONNX Runtime computes our numbers on it (1e-4 of the output scale).
#include <QtTest>
#include <cmath>
#include <filesystem>

#include "core/eval/evaluator.h"
#include "core/project/project.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;

class TestExamples : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void examples_data() {
    QTest::addColumn<QString>("path");
    int n = 0;
    for (auto& e : fs::directory_iterator(fs::path(NC_SOURCE_DIR) / "resources" / "examples"))
      if (e.path().extension() == ".ncproj") QTest::newRow(e.path().filename().c_str()) << QString::fromStdString(e.path().string()), ++n;
    QVERIFY(n >= 3);
  }
  void examples() {
    QFETCH(QString, path);
    Graph g = loadProject(path.toStdString());
    ShapeInfo s = inferShapes(g);
    QVERIFY2(s.diagnostics.empty(), s.diagnostics.empty() ? "" : s.diagnostics.front().message.c_str());
    // The Input nodes' own preview data (seeded random) feeds both runtimes.
    Evaluator ev;
    EvalReport r = ev.run(g);
    QVERIFY2(r.ok(), r.errors.empty() ? "cancelled" : r.errors.front().message.c_str());
    std::map<std::string, Tensor> feeds;
    for (NodeId id : g.inputNodes()) feeds[g.node(id).name] = *ev.output({id, 0});
    float scale = 1;
    for (const Tensor& t : ev.graphOutputs(g))
      for (float v : t.floats()) scale = std::max(scale, std::fabs(v));
    NC_CHECK(checkGraphWithOrt(g, feeds, {1e-4 * scale, 1e-4}));
  }
};

QTEST_APPLESS_MAIN(TestExamples)
#include "test_examples.moc"
