// libFuzzer target: untrusted ONNX model bytes -> validateModelBytes (the ONNX checker and strict
// shape inference), the path `netcanvas-cli validate` and the editor's export check take.
#include "core/onnx/onnx_io.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = nc::fuzz::bytesOf(data, size);
  nc::fuzz::expectCleanResult([&] { nc::validateModelBytes(bytes); });
  return 0;
}
