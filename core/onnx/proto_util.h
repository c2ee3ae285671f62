#pragma once
// Internal to core/onnx: the protobuf helpers that export, the function builder, the inliner,
// validation and import share. Not for use outside core/onnx (the public headers are export.h,
// import.h, validate.h and tensor_proto.h).
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <string>

#include "core/tensor/attr.h"
#include "core/tensor/tensor.h"

namespace nc::proto {

// The newest ai.onnx opset that export writes and import reads.
inline constexpr int kMaxOpset = 18;

// TensorProto <-> Tensor (tensor_proto.cpp). Reading refuses external data, negative dimensions,
// a data size that does not match the shape, and element types other than float32, int64, int32.
Tensor tensorFromProto(const onnx::TensorProto& p);
void tensorToProto(const Tensor& t, const std::string& name, onnx::TensorProto* p);

// AttributeProto <-> AttrValue (tensor_proto.cpp). `nodeWhat` names the node in errors.
void attrToProto(const std::string& name, const AttrValue& v, onnx::AttributeProto* a);
AttrValue attrFromProto(const onnx::AttributeProto& a, const std::string& nodeWhat);

// proto_util.cpp
std::string serialize(const google::protobuf::MessageLite& m);
// Parses a ModelProto; throws nc::Error for empty, malformed or graph-less bytes.
onnx::ModelProto parseModel(const std::string& bytes);
// stem + k, built by appending (GCC 12 warns falsely on "literal" + std::to_string(k)).
std::string numbered(const char* stem, size_t k);

}  // namespace nc::proto
