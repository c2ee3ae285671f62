// Log: Y = ln(X). The shared unary tests (tests/support/unary_tests.cpp) and its IEEE edge cases
// run for Log.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryEdgeTests tests({.op = "Log",
                  .oracle = [](double x) { return std::log(x); },
                  .lo = 0.01f,
                  .hi = 100.0f,
                  .handIn = Tensor::fromFloats({5}, {1, 2.7182817f, 0.5f, 10, 1e-30f}),
                  .handOut = Tensor::fromFloats({5}, {0, 1, -0.69314718f, 2.3025851f, -69.077553f}),
                  .edgeIn = Tensor::fromFloats({3}, {0, -1, INFINITY}),
                  .edgeOut = Tensor::fromFloats({3}, {-INFINITY, NAN, INFINITY})});
  return QTest::qExec(&tests, argc, argv);
}
