#pragma once
// The shared tests of the reduction ops (ReduceMax, ReduceMean): the two ops differ only in the
// reduction, so one body runs for each (tests/ops/test_reduce_max.cpp, test_reduce_mean.cpp).
#include <QObject>

class ReduceTests : public QObject {
  Q_OBJECT
 public:
  ReduceTests(const char* op, bool mean);

 private Q_SLOTS:
  void handComputed();
  void axesForms();
  void fedAxes();
  void featureMap();
  void badInputs();
  void properties();
};
