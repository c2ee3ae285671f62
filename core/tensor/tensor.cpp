#include "core/tensor/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

#include "core/base/error.h"
#include "core/tensor/memory_budget.h"

namespace nc {

const char* dtypeName(DType t) { return t == DType::Float32 ? "float32" : "int64"; }

size_t dtypeSize(DType t) { return t == DType::Float32 ? 4 : 8; }

std::string shapeToString(const Shape& s) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  os << ']';
  return os.str();
}

int64_t shapeNumel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) throw Error("shape " + shapeToString(s) + " has a negative or unknown dimension");
    if (d != 0 && n > Tensor::kMaxElements / d)
      throw Error("tensor of shape " + shapeToString(s) + " is too large (more than 2^32 elements)");
    n *= d;
  }
  return n;
}

Tensor::Tensor(DType dtype, Shape shape) : Tensor(dtype, std::move(shape), true) {}

Tensor Tensor::uninitialized(DType dtype, Shape shape) { return Tensor(dtype, std::move(shape), false); }

Tensor::Tensor(DType dtype, Shape shape, bool zero) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shapeNumel(shape_);
  // The memory budget (core/tensor/memory_budget.h), before anything is allocated.
  if (numel_ * int64_t(dtypeSize(dtype_)) > memoryBudget())  // no overflow: numel_ <= 2^32
    checkAllocation(numel_, int64_t(dtypeSize(dtype_)), "tensor of shape " + shapeToString(shape_));
  size_t bytes = std::max<size_t>(64, (size_t(numel_) * dtypeSize(dtype_) + 63) / 64 * 64);
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw Error("out of memory allocating a tensor of shape " + shapeToString(shape_));
  if (zero) std::memset(p, 0, bytes);
  data_ = std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

Tensor Tensor::fromFloats(Shape shape, const std::vector<float>& values) {
  Tensor t(DType::Float32, std::move(shape));
  if (size_t(t.numel()) != values.size())
    throw Error("tensor of shape " + shapeToString(t.shape()) + " needs " + std::to_string(t.numel()) +
                " values, got " + std::to_string(values.size()));
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(float));
  return t;
}

Tensor Tensor::fromInt64(Shape shape, const std::vector<int64_t>& values) {
  Tensor t(DType::Int64, std::move(shape));
  if (size_t(t.numel()) != values.size())
    throw Error("tensor of shape " + shapeToString(t.shape()) + " needs " + std::to_string(t.numel()) +
                " values, got " + std::to_string(values.size()));
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

float* Tensor::f32() {
  if (dtype_ != DType::Float32) throw Error("tensor is int64, float32 expected");
  return reinterpret_cast<float*>(data_.get());
}
const float* Tensor::f32() const {
  if (dtype_ != DType::Float32) throw Error("tensor is int64, float32 expected");
  return reinterpret_cast<const float*>(data_.get());
}
int64_t* Tensor::i64() {
  if (dtype_ != DType::Int64) throw Error("tensor is float32, int64 expected");
  return reinterpret_cast<int64_t*>(data_.get());
}
const int64_t* Tensor::i64() const {
  if (dtype_ != DType::Int64) throw Error("tensor is float32, int64 expected");
  return reinterpret_cast<const int64_t*>(data_.get());
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shapeNumel(shape) != numel_)
    throw Error("cannot reshape " + shapeToString(shape_) + " to " + shapeToString(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  if (empty()) return {};
  Tensor t(dtype_, shape_);
  std::memcpy(t.raw(), raw(), bytes());
  return t;
}

std::vector<int64_t> Tensor::toInt64Vector() const {
  std::vector<int64_t> v(static_cast<size_t>(numel_));
  if (dtype_ == DType::Int64)
    std::memcpy(v.data(), raw(), bytes());
  else
    for (int64_t i = 0; i < numel_; ++i) v[size_t(i)] = int64_t(f32()[i]);
  return v;
}

std::vector<float> Tensor::toFloatVector() const {
  std::vector<float> v(static_cast<size_t>(numel_));
  if (dtype_ == DType::Float32)
    std::memcpy(v.data(), raw(), bytes());
  else
    for (int64_t i = 0; i < numel_; ++i) v[size_t(i)] = float(i64()[i]);
  return v;
}

std::vector<int64_t> contiguousStrides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = int(s.size()) - 2; i >= 0; --i) st[size_t(i)] = st[size_t(i) + 1] * s[size_t(i) + 1];
  return st;
}

}  // namespace nc
