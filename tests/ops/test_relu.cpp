// Relu: Y = max(0, X). The shared unary tests (tests/support/unary_tests.cpp) run for Relu.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryTests tests({.op = "Relu",
                  .oracle = [](double x) { return x > 0 ? x : 0.0; },
                  .lo = -10.0f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({6}, {-2, -0.5f, 0, 0.5f, 2, 1e30f}),
                  .handOut = Tensor::fromFloats({6}, {0, 0, 0, 0.5f, 2, 1e30f})});
  return QTest::qExec(&tests, argc, argv);
}
