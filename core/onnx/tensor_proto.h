#pragma once
// Tensors as ONNX TensorProtos: serialized bytes, and files in the layout of the ONNX backend
// test data (input_0.pb, output_0.pb, ...). float32 and int64 are read and written; int32 is
// read, widened to int64. The codecs on the protobuf messages themselves are internal to
// core/onnx (core/onnx/proto_util.h).
#include <string>

#include "core/tensor/tensor.h"

namespace nc {

Tensor tensorFromProtoBytes(const std::string& bytes);
std::string tensorToProtoBytes(const Tensor& t, const std::string& name = {});

// The same through a file; reading throws nc::Error naming the path, writing is atomic.
Tensor readTensorFile(const std::string& path);
void writeTensorFile(const std::string& path, const Tensor& t, const std::string& name = {});

}  // namespace nc
