// HardSwish: Y = X * max(0, min(1, X/6 + 1/2)). The shared unary tests
// (tests/support/unary_tests.cpp) run for HardSwish.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryTests tests({.op = "HardSwish",
                  .oracle = [](double x) { return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5)); },
                  .lo = -6.0f,
                  .hi = 6.0f,
                  .handIn = Tensor::fromFloats({7}, {-4, -3, -1, 0, 1, 3, 4}),
                  .handOut = Tensor::fromFloats({7}, {0, 0, -0.33333334f, 0, 0.66666669f, 3, 4})});
  return QTest::qExec(&tests, argc, argv);
}
