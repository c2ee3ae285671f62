// Neg: Y = -X. The shared unary tests (tests/support/unary_tests.cpp) run for Neg.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryTests tests({.op = "Neg",
                  .oracle = [](double x) { return -x; },
                  .lo = -10.0f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({4}, {-1, 0, 2.5f, 3e38f}),
                  .handOut = Tensor::fromFloats({4}, {1, -0.0f, -2.5f, -3e38f})});
  return QTest::qExec(&tests, argc, argv);
}
