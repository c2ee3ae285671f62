// Tanh: Y = tanh(X); saturates to exactly +-1. The shared unary tests
// (tests/support/unary_tests.cpp) and its IEEE edge cases run for Tanh.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryEdgeTests tests({.op = "Tanh",
                  .oracle = [](double x) { return std::tanh(x); },
                  .lo = -10.0f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({7}, {-20, -1, -0.5f, 0, 0.5f, 1, 20}),
                  .handOut = Tensor::fromFloats({7}, {-1.0f, -0.76159416f, -0.46211716f, 0.0f, 0.46211716f, 0.76159416f, 1.0f}),
                  .edgeIn = Tensor::fromFloats({3}, {INFINITY, -INFINITY, 1e4f}),
                  .edgeOut = Tensor::fromFloats({3}, {1, -1, 1})});
  return QTest::qExec(&tests, argc, argv);
}
