// libFuzzer target: untrusted ONNX model bytes -> importModelBytes (parse, function inlining,
// op mapping, SiLU and block recognition), the path `netcanvas-cli run` and the editor's Open take.
#include "core/onnx/onnx_io.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = nc::fuzz::bytesOf(data, size);
  nc::fuzz::expectCleanResult([&] { nc::importModelBytes(bytes); });
  return 0;
}
