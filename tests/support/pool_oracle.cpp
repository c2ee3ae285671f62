#include "tests/support/pool_oracle.h"

#include <limits>

namespace nctest {

using namespace nc;

namespace {
// Window starts along one axis: a window is kept while it fits in the padded extent (floor
// mode) or, with ceil_mode, while it starts inside the input plus the begin pad and before
// the padded end minus the kernel, rounded up by one stride.
int64_t countWindows(int64_t in, int64_t padBegin, int64_t padEnd, int64_t ek, int64_t stride,
                     bool ceil) {
  int64_t n = 0;
  for (int64_t start = 0;; start += stride) {
    const bool fits = start + ek <= in + padBegin + padEnd;
    const bool ceilFits =
        ceil && start < in + padBegin && start + ek < in + padBegin + padEnd + stride;
    if (!fits && !ceilFits) break;
    ++n;
  }
  return n;
}
}  // namespace

std::pair<Tensor, Tensor> poolOracle2d(const Tensor& x, const PoolOracleParams& p) {
  const int64_t planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
  const int64_t ph = h + p.pads[0] + p.pads[2], pw = w + p.pads[1] + p.pads[3];
  const int64_t ekh = (p.kernel[0] - 1) * p.dilations[0] + 1,
                ekw = (p.kernel[1] - 1) * p.dilations[1] + 1;
  const int64_t oh = countWindows(h, p.pads[0], p.pads[2], ekh, p.strides[0], p.ceilMode);
  const int64_t ow = countWindows(w, p.pads[1], p.pads[3], ekw, p.strides[1], p.ceilMode);
  Tensor y(DType::Float32, {x.dim(0), x.dim(1), oh, ow});
  Tensor idx(DType::Int64, {x.dim(0), x.dim(1), oh, ow});
  for (int64_t pl = 0; pl < planes; ++pl) {
    // Grid with a margin wide enough for ceil-mode windows that run past the end pad.
    const int64_t gh = ph + ekh + p.strides[0], gw = pw + ekw + p.strides[1];
    std::vector<double> val(size_t(gh * gw), 0.0);
    std::vector<int> kind(size_t(gh * gw), 0);  // 0 outside the padded input, 1 padding, 2 real
    std::vector<int64_t> where(size_t(gh * gw), -1);
    for (int64_t r = 0; r < ph; ++r)
      for (int64_t c = 0; c < pw; ++c) kind[size_t(r * gw + c)] = 1;
    for (int64_t r = 0; r < h; ++r)
      for (int64_t c = 0; c < w; ++c) {
        const size_t at = size_t((r + p.pads[0]) * gw + c + p.pads[1]);
        val[at] = x.f32()[(pl * h + r) * w + c];
        kind[at] = 2;
        where[at] = pl * h * w + r * w + c;
      }
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        double best = std::numeric_limits<float>::lowest(), sum = 0;
        int64_t bestAt = -1, real = 0, padded = 0;
        for (int64_t a = 0; a < p.kernel[0]; ++a)
          for (int64_t b = 0; b < p.kernel[1]; ++b) {
            const size_t at = size_t((i * p.strides[0] + a * p.dilations[0]) * gw +
                                     j * p.strides[1] + b * p.dilations[1]);
            if (kind[at] >= 1) ++padded;
            if (kind[at] != 2) continue;
            ++real;
            sum += val[at];
            if (val[at] > best) best = val[at], bestAt = where[at];
          }
        const int64_t o = (pl * oh + i) * ow + j;
        y.f32()[o] = float(p.max ? best : sum / double(p.countIncludePad ? padded : real));
        idx.i64()[o] = bestAt;
      }
  }
  return {y, idx};
}

}  // namespace nctest
