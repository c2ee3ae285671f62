#include "core/onnx/proto_util.h"

#include "core/base/error.h"

namespace nc::proto {

std::string serialize(const google::protobuf::MessageLite& m) {
  std::string out;
  if (!m.SerializeToString(&out)) throw Error("could not serialize the ONNX model");
  return out;
}

onnx::ModelProto parseModel(const std::string& bytes) {
  onnx::ModelProto m;
  if (bytes.empty()) throw Error("the file is empty, not an ONNX model");
  if (!m.ParseFromString(bytes)) throw Error("not a valid ONNX model (the protobuf data is malformed or truncated)");
  if (!m.has_graph()) throw Error("not a valid ONNX model (it has no graph)");
  return m;
}

std::string numbered(const char* stem, size_t k) {
  std::string s = stem;
  s += std::to_string(k);
  return s;
}

}  // namespace nc::proto
