// Exp: Y = exp(X). The shared unary tests (tests/support/unary_tests.cpp) and its IEEE edge cases
// run for Exp.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryEdgeTests tests({.op = "Exp",
                  .oracle = [](double x) { return std::exp(x); },
                  .lo = -10.0f,
                  .hi = 10.0f,
                  .handIn = Tensor::fromFloats({5}, {0, 1, -1, 2, -100}),
                  .handOut = Tensor::fromFloats({5}, {1, 2.7182817f, 0.36787945f, 7.3890561f, 3.7200760e-44f}),
                  .tolerance = {1e-6, 1e-6},
                  .edgeIn = Tensor::fromFloats({4}, {100, -1000, INFINITY, -INFINITY}),
                  .edgeOut = Tensor::fromFloats({4}, {INFINITY, 0, INFINITY, 0})});
  return QTest::qExec(&tests, argc, argv);
}
