// LeakyRelu: Y = X (X >= 0), alpha * X otherwise; alpha defaults to 0.01. The shared unary tests
// (tests/support/unary_tests.cpp) and explicit attributes run for LeakyRelu.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryAttributeTests tests({.op = "LeakyRelu",
                  .oracle = [](double x) { return x >= 0 ? x : 0.01 * x; },
                  .lo = -10.0f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({5}, {-2, -0.5f, 0, 0.5f, 2}),
                  .handOut = Tensor::fromFloats({5}, {-0.02f, -0.005f, 0, 0.5f, 2}),
                  .attrs = {{"alpha", 0.1f}},
                  .attrOracle = [](double x) { return x >= 0 ? x : 0.1 * x; },
                  .attrIn = Tensor::fromFloats({4}, {-1, 0, 1, -30}),
                  .attrOut = Tensor::fromFloats({4}, {-0.1f, 0, 1, -3})});
  return QTest::qExec(&tests, argc, argv);
}
