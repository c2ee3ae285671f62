// The editor opens PyTorch exports: the generated YOLO11n (tests/support/torch_data.h) and its
// NetCanvas re-export, and a shipped single-block export. Each opens as the imported graph with
// its blocks (the same as blocks::openModel gives), infers every shape and evaluates without
// errors.
#include <QApplication>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <filesystem>

#include "app/main_window.h"
#include "core/blocks/recognize.h"
#include "core/onnx/export.h"
#include "tests/support/torch_data.h"
#include "ui/document.h"
#include "ui/eval_service.h"

namespace fs = std::filesystem;

class TestOpenTorchModels : public QObject {
  Q_OBJECT

  // Opens `path` in a fresh editor window and checks it against openModel's graph.
  void openAndCheck(const std::string& path) {
    nc::Graph imported = nc::blocks::openModel(path);
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openFile(QString::fromStdString(path), false), qPrintable(w.lastError()));
    const nc::Graph& g = w.document()->graph();
    QCOMPARE(g.size(), imported.size());
    QCOMPARE(g.blocks().size(), imported.blocks().size());
    QVERIFY(!g.blocks().empty());
    for (auto& [id, b] : imported.blocks()) {
      const nc::Block* o = g.findBlockByName(b.name);
      QVERIFY2(o, b.name.c_str());
      QCOMPARE(o->type, b.type);
    }
    QVERIFY(w.document()->shapes().diagnostics.empty());
    QVERIFY(w.document()->evaluation()->waitForIdle(120000));
    QApplication::processEvents();
    const nc::EvalReport& r = w.document()->evaluation()->lastReport();
    QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : r.errors.front().message.c_str());
    w.document()->undoStack()->setClean();
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("NetCanvasTest");
    QApplication::setApplicationName("NetCanvasTest");
  }

  void yolo11nAndItsReexport() {
    std::string dir;
    const std::string error = nctest::ensureTorchYolo11n(&dir);
    if (!error.empty()) QFAIL(error.c_str());
    const std::string model = (fs::path(dir) / "model.onnx").string();
    openAndCheck(model);
    QTemporaryDir tmp;
    const std::string again = (tmp.path() + "/reexported.onnx").toStdString();
    nc::exportModel(nc::blocks::openModel(model), again);
    openAndCheck(again);
  }

  void singleBlockExport() {
    openAndCheck((fs::path(NC_SOURCE_DIR) / "tests" / "data" / "torch_blocks" / "c3k2_c3k" / "model.onnx").string());
  }
};

QTEST_MAIN(TestOpenTorchModels)
#include "test_open_torch_models.moc"
