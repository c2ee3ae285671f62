// PyTorch-exported YOLO11 blocks (tests/data/torch_blocks, made by tests/data/make_yolo_blocks.py):
// each model is imported and run through our fast and reference kernels, and must reproduce the
// outputs PyTorch stored beside it. These are the op patterns the exporter really emits
// (attention: Reshape/Split/Transpose/MatMul/Softmax; detect head: Concat/Split/Softmax/...).
#include <QtTest>
#include <iostream>

#include "tests/support/conformance.h"

using namespace nctest;

class TestTorchBlocks : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void blocks_data() {
    QTest::addColumn<QString>("name");
    for (auto& c : listConformanceCases(NC_SOURCE_DIR "/tests/data/torch_blocks"))
      QTest::newRow(c.name.c_str()) << QString::fromStdString(c.name);
  }
  void blocks() {
    QFETCH(QString, name);
    for (auto& c : listConformanceCases(NC_SOURCE_DIR "/tests/data/torch_blocks")) {
      if (c.name != name.toStdString()) continue;
      QVERIFY2(c.skipReason.empty(), c.skipReason.c_str());
      for (bool reference : {false, true}) {
        std::string m = runConformanceCase(c, reference);
        QVERIFY2(m.empty(), ((reference ? "reference: " : "fast: ") + m).c_str());
      }
      return;
    }
    QFAIL("case not found");
  }
};

QTEST_APPLESS_MAIN(TestTorchBlocks)
#include "test_torch_blocks.moc"
