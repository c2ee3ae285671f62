// Sum: the shared Sum/Mean tests (tests/support/variadic_tests.cpp) run for Sum.
#include <QtTest>

#include "tests/support/variadic_tests.h"

int main(int argc, char** argv) {
  SumMeanTests tests("Sum", false);
  return QTest::qExec(&tests, argc, argv);
}
