// ReduceMean: the shared reduction tests (tests/support/reduce_tests.cpp) run for ReduceMean.
#include <QtTest>

#include "tests/support/reduce_tests.h"

int main(int argc, char** argv) {
  ReduceTests tests("ReduceMean", true);
  return QTest::qExec(&tests, argc, argv);
}
