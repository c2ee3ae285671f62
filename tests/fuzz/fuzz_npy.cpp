// libFuzzer target: untrusted .npy bytes -> parseNpy.
#include "core/tensor/npy.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = nc::fuzz::bytesOf(data, size);
  nc::fuzz::expectCleanResult([&] { nc::parseNpy(bytes, "fuzz input"); });
  return 0;
}
