// libFuzzer target: untrusted TensorProto bytes (input_0.pb, ...) -> tensorFromProtoBytes.
#include "core/onnx/onnx_io.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = nc::fuzz::bytesOf(data, size);
  nc::fuzz::expectCleanResult([&] { nc::tensorFromProtoBytes(bytes); });
  return 0;
}
