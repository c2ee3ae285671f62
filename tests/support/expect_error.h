#pragma once
// EXPECT_ERROR(expr, needle): expr must throw nc::Error whose message contains needle (any other
// exception, or none, fails the test and says what happened instead).
#include <QtTest>
#include <exception>
#include <string>

#include "core/base/error.h"

namespace nctest {

// The nc::Error message thrown by f(); "NOT nc::Error: ..." for another exception; "NO ERROR".
template <class F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const nc::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("NOT nc::Error: ") + e.what();
  }
  return "NO ERROR";
}

}  // namespace nctest

#define EXPECT_ERROR(expr, needle)                                                             \
  do {                                                                                         \
    std::string m_ = nctest::errorOf([&] { (void)(expr); });                                   \
    QVERIFY2(                                                                                  \
        m_ != "NO ERROR" && m_.rfind("NOT nc::Error", 0) != 0 &&                               \
            m_.find(needle) != std::string::npos,                                              \
        (std::string("expected an error containing '") + (needle) + "', got: " + m_).c_str()); \
  } while (0)
