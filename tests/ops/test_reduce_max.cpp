// ReduceMax: the shared reduction tests (tests/support/reduce_tests.cpp) run for ReduceMax.
#include <QtTest>

#include "tests/support/reduce_tests.h"

int main(int argc, char** argv) {
  ReduceTests tests("ReduceMax", false);
  return QTest::qExec(&tests, argc, argv);
}
