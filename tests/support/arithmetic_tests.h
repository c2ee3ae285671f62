#pragma once
// The shared tests of the binary arithmetic ops Add, Sub, Mul and Div: they differ only in the
// operation, so one body runs for each (tests/ops/test_{add,sub,mul,div}.cpp): hand-computed
// float32 and int64 values, an oracle that broadcasts by explicit multi-indices, the fast kernel
// (vectorised runs over the collapsed broadcast) against the reference and the oracle, ONNX
// Runtime on exported models, and shape/type errors from shape inference. A test file may derive
// from it to add the op's own cases (Div's division edges).
#include <QObject>
#include <string>

#include "core/tensor/tensor.h"

// One op's hand-computed cases and operand range.
struct ArithmeticCase {
  const char* op;
  double (*oracle)(double, double);
  nc::Tensor floatsExpected;  // for {1, 2, 3} op {10, 20, 30}
  nc::Tensor intA, intB, intExpected;
  float bLow = -10.0f;  // lower bound of random right operands (Div keeps away from zero)
};

class ArithmeticTests : public QObject {
  Q_OBJECT
 public:
  explicit ArithmeticTests(ArithmeticCase c);

 private Q_SLOTS:
  void handComputed();
  void int64();
  void broadcasting();
  void fastPathLayouts();
  void shapeErrors();
  void properties();
};
