// Div: C = A / B. The shared arithmetic tests (tests/support/arithmetic_tests.cpp) run for Div,
// plus its own edges: IEEE float division by zero, int64 truncation and refusal of zero.
#include <QtTest>
#include <cmath>

#include "tests/support/arithmetic_tests.h"
#include "tests/support/op_case.h"
#include "tests/support/elementwise_oracle.h"

using namespace nc;
using namespace nctest;

class TestDiv : public ArithmeticTests {
  Q_OBJECT
 public:
  TestDiv()
      : ArithmeticTests({.op = "Div",
                         .oracle = [](double a, double b) { return a / b; },
                         .floatsExpected = Tensor::fromFloats({3}, {0.1f, 0.1f, 0.1f}),
                         .intA = Tensor::fromInt64({3}, {-5, 7, 4000}),
                         .intB = Tensor::fromInt64({3}, {2, 5, 5000}),
                         .intExpected = Tensor::fromInt64({3}, {-2, 1, 0}),
                         .bLow = 0.5f}) {}

 private Q_SLOTS:
  void divisionEdges() {
    Tensor a = Tensor::fromFloats({4}, {1, -1, 0, 3}), b = Tensor::fromFloats({4}, {0, 0, 0, -0.0f});
    NC_CHECK(OpCase("Div")
                 .input(a, "a")
                 .input(b, "b")
                 .expect(Tensor::fromFloats({4}, {INFINITY, -INFINITY, NAN, -INFINITY}))
                 .check());
    Tensor ia = Tensor::fromInt64({4}, {-7, 7, -7, 6}), ib = Tensor::fromInt64({4}, {2, -2, -2, 3});
    NC_CHECK(OpCase("Div").input(ia, "a").input(ib, "b").expect(Tensor::fromInt64({4}, {-3, -3, 3, 2})).check());
    const std::string err = OpCase("Div").input(ia, "a").input(Tensor::fromInt64({1}, {0}), "b").check();
    QVERIFY2(contains(err, "division by zero"), err.c_str());
  }
};

QTEST_APPLESS_MAIN(TestDiv)
#include "test_div.moc"
