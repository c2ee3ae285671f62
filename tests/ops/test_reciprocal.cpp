// Reciprocal: Y = 1 / X. The shared unary tests (tests/support/unary_tests.cpp) and its IEEE edge
// cases run for Reciprocal.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryEdgeTests tests({.op = "Reciprocal",
                  .oracle = [](double x) { return 1.0 / x; },
                  .lo = 0.5f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({5}, {2, -4, 0.5f, 3, -0.125f}),
                  .handOut = Tensor::fromFloats({5}, {0.5f, -0.25f, 2, 0.33333334f, -8}),
                  .edgeIn = Tensor::fromFloats({3}, {0, -0.0f, INFINITY}),
                  .edgeOut = Tensor::fromFloats({3}, {INFINITY, -INFINITY, 0})});
  return QTest::qExec(&tests, argc, argv);
}
