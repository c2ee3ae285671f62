// GlobalAveragePool: the shared global-pool tests (tests/support/global_pool_tests.cpp) run for GlobalAveragePool.
#include <QtTest>

#include "tests/support/global_pool_tests.h"

int main(int argc, char** argv) {
  GlobalPoolTests tests("GlobalAveragePool", false);
  return QTest::qExec(&tests, argc, argv);
}
