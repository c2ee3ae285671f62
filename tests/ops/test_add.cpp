// Add: C = A + B. The shared arithmetic tests (tests/support/arithmetic_tests.cpp) run for Add.
#include <QtTest>

#include "tests/support/arithmetic_tests.h"

using nc::Tensor;

int main(int argc, char** argv) {
  ArithmeticTests tests({.op = "Add",
                         .oracle = [](double a, double b) { return a + b; },
                         .floatsExpected = Tensor::fromFloats({3}, {11, 22, 33}),
                         .intA = Tensor::fromInt64({3}, {-5, 7, 4000000000}),
                         .intB = Tensor::fromInt64({3}, {2, 5, 5000000000}),
                         .intExpected = Tensor::fromInt64({3}, {-3, 12, 9000000000}),
                         .bLow = -10.0f});
  return QTest::qExec(&tests, argc, argv);
}
