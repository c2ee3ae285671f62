#pragma once
// The shared tests of GlobalAveragePool and GlobalMaxPool: the two ops differ only in the
// per-plane reduction, so one body runs for each (tests/ops/test_global_{average,max}_pool.cpp):
// hand-computed cases, ranks 3 to 5, ONNX Runtime, bad inputs, and properties against a
// per-plane mean/maximum oracle.
#include <QObject>

class GlobalPoolTests : public QObject {
  Q_OBJECT
 public:
  GlobalPoolTests(const char* op, bool max);

 private Q_SLOTS:
  void basic();
  void ranks();
  void badInputs();
  void properties();
};
