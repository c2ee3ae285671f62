// Max: the shared Max/Min tests (tests/support/variadic_tests.cpp) run for Max.
#include <QtTest>

#include "tests/support/variadic_tests.h"

int main(int argc, char** argv) {
  MinMaxTests tests("Max", true);
  return QTest::qExec(&tests, argc, argv);
}
