#include "core/onnx/tensor_proto.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <variant>
#include <vector>

#include "core/base/error.h"
#include "core/base/file_io.h"
#include "core/onnx/proto_util.h"
#include "core/tensor/memory_budget.h"

namespace nc {

namespace proto {

// ---------------------------------------------------------------- tensors

Tensor tensorFromProto(const onnx::TensorProto& p) {
  const std::string what = p.name().empty() ? std::string("tensor") : "tensor '" + p.name() + "'";
  if (p.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(what + " uses external data, which is not supported");
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape)
    if (d < 0) throw Error(what + " has a negative dimension");
  const std::optional<int64_t> count = checkedNumel(shape);
  if (!count) throw Error(what + ": shape " + shapeToString(shape) + " has more elements than can be counted");
  const int64_t n = *count;
  // The data present must match the declared shape before anything is allocated: a few bytes
  // declaring gigabytes of dims are refused, not zero-filled.
  auto checkPresent = [&](int64_t elementBytes, int typedValues, const char* field) {
    if (p.has_raw_data()) {
      if (int64_t(p.raw_data().size()) / elementBytes != n || int64_t(p.raw_data().size()) % elementBytes != 0)
        throw Error(what + ": raw data has " + std::to_string(p.raw_data().size()) + " bytes, shape " +
                    shapeToString(shape) + " needs " + std::to_string(n) + " x " + std::to_string(elementBytes));
    } else if (typedValues != n) {
      throw Error(what + ": " + field + " has " + std::to_string(typedValues) + " values, shape " +
                  shapeToString(shape) + " needs " + std::to_string(n));
    }
  };
  switch (p.data_type()) {
    case onnx::TensorProto::FLOAT: {
      checkPresent(4, p.float_data_size(), "float_data");
      Tensor t(DType::Float32, shape);
      if (p.has_raw_data())
        std::memcpy(t.raw(), p.raw_data().data(), size_t(n) * 4);
      else
        std::copy(p.float_data().begin(), p.float_data().end(), t.f32());
      return t;
    }
    case onnx::TensorProto::INT64: {
      checkPresent(8, p.int64_data_size(), "int64_data");
      Tensor t(DType::Int64, shape);
      if (p.has_raw_data())
        std::memcpy(t.raw(), p.raw_data().data(), size_t(n) * 8);
      else
        std::copy(p.int64_data().begin(), p.int64_data().end(), t.i64());
      return t;
    }
    case onnx::TensorProto::INT32: {  // widened to int64 (shape-like data)
      checkPresent(4, p.int32_data_size(), "int32_data");
      Tensor t(DType::Int64, shape);
      if (p.has_raw_data()) {
        const char* src = p.raw_data().data();
        for (int64_t i = 0; i < n; ++i) {
          int32_t v;
          std::memcpy(&v, src + i * 4, 4);
          t.i64()[i] = v;
        }
      } else {
        std::copy(p.int32_data().begin(), p.int32_data().end(), t.i64());
      }
      return t;
    }
    default:
      throw Error(what + " has ONNX data type " + std::to_string(p.data_type()) +
                  "; only float32 and int64 (and int32, widened) are supported");
  }
}

void tensorToProto(const Tensor& t, const std::string& name, onnx::TensorProto* p) {
  p->set_name(name);
  for (int64_t d : t.shape()) p->add_dims(d);
  p->set_data_type(t.dtype() == DType::Float32 ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
  p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.bytes()));
}

// ---------------------------------------------------------------- attributes

void attrToProto(const std::string& name, const AttrValue& v, onnx::AttributeProto* a) {
  a->set_name(name);
  struct V {
    onnx::AttributeProto* a;
    void operator()(int64_t x) { a->set_type(onnx::AttributeProto::INT), a->set_i(x); }
    void operator()(float x) { a->set_type(onnx::AttributeProto::FLOAT), a->set_f(x); }
    void operator()(const std::string& s) { a->set_type(onnx::AttributeProto::STRING), a->set_s(s); }
    void operator()(const std::vector<int64_t>& xs) {
      a->set_type(onnx::AttributeProto::INTS);
      for (auto x : xs) a->add_ints(x);
    }
    void operator()(const std::vector<float>& xs) {
      a->set_type(onnx::AttributeProto::FLOATS);
      for (auto x : xs) a->add_floats(x);
    }
    void operator()(const Tensor& t) {
      a->set_type(onnx::AttributeProto::TENSOR);
      tensorToProto(t, "", a->mutable_t());
    }
  };
  std::visit(V{a}, v);
}

AttrValue attrFromProto(const onnx::AttributeProto& a, const std::string& nodeWhat) {
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::TENSOR: return tensorFromProto(a.t());
    case onnx::AttributeProto::SPARSE_TENSOR:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' is a sparse tensor; sparse tensors are not supported");
    case onnx::AttributeProto::STRINGS:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' is a list of strings; string data is not supported");
    default:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' has an unsupported type (" +
                  std::to_string(int(a.type())) + ")");
  }
}

}  // namespace proto

// ---------------------------------------------------------------- bytes and files

Tensor tensorFromProtoBytes(const std::string& bytes) {
  onnx::TensorProto p;
  if (!p.ParseFromString(bytes)) throw Error("not a valid ONNX TensorProto (malformed or truncated)");
  return proto::tensorFromProto(p);
}

std::string tensorToProtoBytes(const Tensor& t, const std::string& name) {
  onnx::TensorProto p;
  proto::tensorToProto(t, name, &p);
  return proto::serialize(p);
}

Tensor readTensorFile(const std::string& path) {
  try {
    return tensorFromProtoBytes(readFileBytes(path));
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

void writeTensorFile(const std::string& path, const Tensor& t, const std::string& name) {
  writeFileAtomic(path, tensorToProtoBytes(t, name));
}

}  // namespace nc
