// Min: the shared Max/Min tests (tests/support/variadic_tests.cpp) run for Min.
#include <QtTest>

#include "tests/support/variadic_tests.h"

int main(int argc, char** argv) {
  MinMaxTests tests("Min", false);
  return QTest::qExec(&tests, argc, argv);
}
