#pragma once
// Data-movement helpers shared by the tensor ops (Expand, Sum, Transpose, Slice, ...). They work
// on float32 and int64 alike: shape-like int64 data flows through the same ops as features.
#include <cstring>

#include "core/base/error.h"
#include "core/tensor/tensor.h"

namespace nc {

// Calls f(T{}) with T = float or int64_t according to t.
template <class F>
decltype(auto) dispatchDType(DType t, F&& f) {
  if (t == DType::Int64) return f(int64_t{});
  return f(float{});
}

template <class T>
const T* dataOf(const Tensor& t) {
  if constexpr (std::is_same_v<T, float>)
    return t.f32();
  else
    return t.i64();
}
template <class T>
T* dataOf(Tensor& t) {
  if constexpr (std::is_same_v<T, float>)
    return t.f32();
  else
    return t.i64();
}

// x broadcast (NumPy rules, x's rank <= out's rank) to `out`, as a fresh tensor.
Tensor broadcastTo(const Tensor& x, const Shape& out);
// Strides of `s` aligned to an output of rank r (leading dims 0), 0 where s has extent 1.
std::vector<int64_t> broadcastInputStrides(const Shape& s, size_t r);

}  // namespace nc
