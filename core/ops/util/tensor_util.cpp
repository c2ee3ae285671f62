#include "core/ops/util/tensor_util.h"

#include "core/ops/util/shape_util.h"

namespace nc {

std::vector<int64_t> broadcastInputStrides(const Shape& s, size_t r) {
  std::vector<int64_t> st(r, 0);
  auto cs = contiguousStrides(s);
  for (size_t i = 0; i < s.size(); ++i) st[r - s.size() + i] = s[i] == 1 ? 0 : cs[i];
  return st;
}

Tensor broadcastTo(const Tensor& x, const Shape& out) {
  if (x.rank() > int(out.size()))
    throw Error("cannot broadcast " + shapeToString(x.shape()) + " to " + shapeToString(out));
  for (size_t i = 0; i < x.shape().size(); ++i) {
    int64_t d = x.shape()[i], o = out[out.size() - x.shape().size() + i];
    if (d != 1 && d != o)
      throw Error("cannot broadcast " + shapeToString(x.shape()) + " to " + shapeToString(out));
  }
  Tensor y(x.dtype(), out);
  const size_t r = out.size();
  std::vector<int64_t> st = broadcastInputStrides(x.shape(), r);
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = dataOf<T>(x);
    T* py = dataOf<T>(y);
    const int64_t n = y.numel();
    if (n == 0) return;
    // Innermost extent copied in one run.
    const int64_t inner = r ? out[r - 1] : 1, sInner = r ? st[r - 1] : 0;
    std::vector<int64_t> idx(r, 0);
    int64_t ix = 0;
    for (int64_t i = 0; i < n; i += inner) {
      for (int64_t j = 0; j < inner; ++j) py[i + j] = px[ix + j * sInner];
      for (int d = int(r) - 2; d >= 0; --d) {
        size_t ud = size_t(d);
        if (++idx[ud] < out[ud]) {
          ix += st[ud];
          break;
        }
        ix -= st[ud] * (out[ud] - 1);
        idx[ud] = 0;
      }
    }
  });
  return y;
}

}  // namespace nc
