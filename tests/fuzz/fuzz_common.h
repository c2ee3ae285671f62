#pragma once
// Shared by the libFuzzer targets: an input is fine when the core either accepts it or refuses
// it with nc::Error. Any other exception escapes, and libFuzzer reports it as a crash (as it
// does every ASan/UBSan report, a hang past -timeout and an allocation past -malloc_limit_mb).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/base/error.h"

namespace nc::fuzz {

inline std::string bytesOf(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

template <class F>
void expectCleanResult(F&& f) {
  try {
    f();
  } catch (const nc::Error&) {
    // A clean refusal.
  }
}

}  // namespace nc::fuzz
