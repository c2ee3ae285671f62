// Mul: C = A * B. The shared arithmetic tests (tests/support/arithmetic_tests.cpp) run for Mul.
#include <QtTest>

#include "tests/support/arithmetic_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  ArithmeticTests tests({.op = "Mul",
                         .oracle = [](double a, double b) { return a * b; },
                         .floatsExpected = Tensor::fromFloats({3}, {10, 40, 90}),
                         .intA = Tensor::fromInt64({3}, {-5, 7, 4000000}),
                         .intB = Tensor::fromInt64({3}, {2, 5, 5000}),
                         .intExpected = Tensor::fromInt64({3}, {-10, 35, 20000000000}),
                         .bLow = -10.0f});
  return QTest::qExec(&tests, argc, argv);
}
