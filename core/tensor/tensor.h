#pragma once
// N-D contiguous tensor with 64-byte aligned storage. float32 is first-class; int64 serves
// shape/axes inputs. Copies share storage: a tensor is treated as an immutable value once it
// has been handed to someone else (kernels always write fresh tensors).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nc {

enum class DType { Float32, Int64 };

using Shape = std::vector<int64_t>;

const char* dtypeName(DType t);
size_t dtypeSize(DType t);
std::string shapeToString(const Shape& s);
// Number of elements; throws nc::Error on negative dims or overflow.
int64_t shapeNumel(const Shape& s);

class Tensor {
 public:
  // Largest tensor we agree to allocate (elements); larger requests fail with a clear error.
  static constexpr int64_t kMaxElements = int64_t(1) << 32;

  Tensor() = default;  // "no tensor": empty() is true
  Tensor(DType dtype, Shape shape);  // zero-filled

  static Tensor fromFloats(Shape shape, const std::vector<float>& values);
  static Tensor fromInt64(Shape shape, const std::vector<int64_t>& values);
  static Tensor scalar(float v) { return fromFloats({}, {v}); }
  // Storage left uninitialised: for kernels that write every element (saves the zero fill).
  static Tensor uninitialized(DType dtype, Shape shape);

  bool empty() const { return !data_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return int(shape_.size()); }
  int64_t dim(int i) const { return shape_[size_t(i)]; }
  int64_t numel() const { return numel_; }
  size_t bytes() const { return size_t(numel_) * dtypeSize(dtype_); }

  float* f32();
  const float* f32() const;
  int64_t* i64();
  const int64_t* i64() const;
  std::span<float> floats() { return {f32(), size_t(numel_)}; }
  std::span<const float> floats() const { return {f32(), size_t(numel_)}; }
  std::span<const int64_t> ints() const { return {i64(), size_t(numel_)}; }
  void* raw() { return data_.get(); }
  const void* raw() const { return data_.get(); }

  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Deep copy.
  Tensor clone() const;
  // True when both share storage (used to deduplicate initializers on export).
  bool sharesStorageWith(const Tensor& o) const { return data_ && data_ == o.data_; }
  // int64 or float tensor as int64 values (for shape-like inputs).
  std::vector<int64_t> toInt64Vector() const;
  std::vector<float> toFloatVector() const;

 private:
  Tensor(DType dtype, Shape shape, bool zero);
  DType dtype_ = DType::Float32;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<std::byte> data_;
};

// Row-major strides in elements.
std::vector<int64_t> contiguousStrides(const Shape& s);

}  // namespace nc
