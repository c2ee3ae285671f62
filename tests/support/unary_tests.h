#pragma once
// The shared tests of the float32 unary elementwise ops (Abs, Neg, Relu, HardSwish, Tanh, Exp,
// Log, Sqrt, Reciprocal, LeakyRelu, HardSigmoid): they differ only in the formula, its domain and
// their hand-computed values, so one body runs for each (tests/ops/test_<op>.cpp): hand-computed
// values, the formula in double as the oracle, rank 2 / 4 / 0 inputs, int64 refused by shape
// inference naming the node, a RapidCheck property (fast == reference == oracle) and ONNX Runtime
// on exported models. UnaryEdgeTests adds IEEE edge cases (infinities, NaN, signed zero);
// UnaryAttributeTests adds explicit attributes.
#include <QObject>
#include <map>
#include <string>

#include "core/tensor/attr.h"
#include "core/tensor/tensor.h"
#include "tests/support/op_case.h"

struct UnaryCase {
  const char* op;
  double (*oracle)(double);  // with the op's default attributes
  float lo, hi;              // the domain random inputs are drawn from
  nc::Tensor handIn{}, handOut{};
  nctest::Tolerance tolerance{};
  // UnaryEdgeTests: values at the edges of float32 (compared exactly, NaN equal to NaN).
  nc::Tensor edgeIn{}, edgeOut{};
  // UnaryAttributeTests: explicit attributes, the formula with them, and hand-computed values.
  std::map<std::string, nc::AttrValue> attrs{};
  double (*attrOracle)(double) = nullptr;
  nc::Tensor attrIn{}, attrOut{};
};

class UnaryTests : public QObject {
  Q_OBJECT
 public:
  explicit UnaryTests(UnaryCase c);

 private Q_SLOTS:
  void handComputed();
  void matrixAnd4d();
  void scalar();
  void rejectsInt64();
  void properties();
};

class UnaryEdgeTests : public UnaryTests {
  Q_OBJECT
 public:
  using UnaryTests::UnaryTests;

 private Q_SLOTS:
  void edgeCases();
};

class UnaryAttributeTests : public UnaryTests {
  Q_OBJECT
 public:
  using UnaryTests::UnaryTests;

 private Q_SLOTS:
  void attributes();
};
