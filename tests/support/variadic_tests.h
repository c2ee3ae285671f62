#pragma once
// Shared test bodies of the variadic elementwise ops: Sum and Mean differ only in the final
// division, Max and Min only in the comparison, so one body runs per pair member
// (tests/ops/test_{sum,mean,max,min}.cpp each run theirs for their op).
#include <QObject>
#include <string>

// Sum, Mean: one, two and three inputs with NumPy broadcasting, against a double-precision
// oracle, fast vs reference, ONNX Runtime, a property over broadcast-compatible shapes,
// diagnostics.
class SumMeanTests : public QObject {
  Q_OBJECT
 public:
  SumMeanTests(const char* op, bool mean);

 private Q_SLOTS:
  void handComputed();
  void onnx();
  void badInputs();
  void properties();
};

// Max, Min: elementwise extremum of 1..N inputs (variadic), NumPy broadcasting, NaN propagating.
// Hand-computed values, a fold over an explicit-multi-index broadcasting oracle, ONNX Runtime,
// variadic port counts, and shape/type errors naming the input.
class MinMaxTests : public QObject {
  Q_OBJECT
 public:
  MinMaxTests(const char* op, bool max);

 private Q_SLOTS:
  void handComputed();
  void inputCounts();
  void nanAndInt64();
  void variadicPortsAndErrors();
  void properties();
};
