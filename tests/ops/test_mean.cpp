// Mean: the shared Sum/Mean tests (tests/support/variadic_tests.cpp) run for Mean.
#include <QtTest>

#include "tests/support/variadic_tests.h"

int main(int argc, char** argv) {
  SumMeanTests tests("Mean", true);
  return QTest::qExec(&tests, argc, argv);
}
