// Sqrt: Y = sqrt(X). The shared unary tests (tests/support/unary_tests.cpp) and its IEEE edge cases
// run for Sqrt.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/unary_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  UnaryEdgeTests tests({.op = "Sqrt",
                  .oracle = [](double x) { return std::sqrt(x); },
                  .lo = 0.0f,
                  .hi = 100.0f,
                  .handIn = Tensor::fromFloats({6}, {0, 1, 4, 2, 0.25f, 1e10f}),
                  .handOut = Tensor::fromFloats({6}, {0, 1, 2, 1.4142135f, 0.5f, 1e5f}),
                  .edgeIn = Tensor::fromFloats({3}, {-1, INFINITY, -0.0f}),
                  .edgeOut = Tensor::fromFloats({3}, {NAN, INFINITY, -0.0f})});
  return QTest::qExec(&tests, argc, argv);
}
