// HardSigmoid: Y = max(0, min(1, alpha * X + beta)); alpha 0.2, beta 0.5 by default. The shared
// unary tests (tests/support/unary_tests.cpp) and explicit attributes run for HardSigmoid.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryAttributeTests tests({.op = "HardSigmoid",
                  .oracle = [](double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); },
                  .lo = -5.0f,
                  .hi = 5.0f,
                  .handIn = Tensor::fromFloats({7}, {-3, -2.5f, -1, 0, 1, 2.5f, 3}),
                  .handOut = Tensor::fromFloats({7}, {0, 0, 0.3f, 0.5f, 0.7f, 1, 1}),
                  .attrs = {{"alpha", 0.5f}, {"beta", 0.6f}},
                  .attrOracle = [](double x) { return std::max(0.0, std::min(1.0, 0.5 * x + 0.6)); },
                  .attrIn = Tensor::fromFloats({4}, {-1, 0, 1, -2}),
                  .attrOut = Tensor::fromFloats({4}, {0.1f, 0.6f, 1, 0})});
  return QTest::qExec(&tests, argc, argv);
}
