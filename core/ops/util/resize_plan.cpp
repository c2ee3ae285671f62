#include "core/ops/util/resize_plan.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

using Mode = ResizeParams::Mode;
using Coord = ResizeParams::Coord;
using Rounding = ResizeParams::Rounding;

// x_original of output coordinate x along axis a (the ONNX reference's formulas).
double originalCoord(const ResizeParams& p, const ResizePlan& plan, size_t a, int64_t xi) {
  const double x = double(xi), in = double(plan.in[a]), s = plan.scale[a],
               len = plan.lengthResized[a];
  switch (p.coord) {
    case Coord::HalfPixel:
      return (x + 0.5) / s - 0.5;
    case Coord::PytorchHalfPixel:
      return plan.out[a] > 1 ? (x + 0.5) / s - 0.5 : 0.0;
    case Coord::AlignCorners:
      return len == 1.0 ? 0.0 : x * (in - 1) / (len - 1);
    case Coord::Asymmetric:
      return x / s;
    case Coord::TfHalfPixelForNn:
      return (x + 0.5) / s;
    case Coord::TfCropAndResize: {
      const double st = plan.roiStart[a], en = plan.roiEnd[a];
      const double v = len == 1.0 ? (en - st) * (in - 1) / 2 : x * (en - st) * (in - 1) / (len - 1);
      return v + st * (in - 1);
    }
  }
  return 0.0;
}

double cubicKernel(double x, double A) {
  x = std::fabs(x);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0.0;
}

// Interpolation weights for a neighbourhood whose last-but-(n/2 - 1) point sits `ratio` in (0, 1]
// below x_original: nearest and linear take 2 points, cubic 4, antialiased downsampling more.
void coefficients(const ResizeParams& p, double ratio, double scale, std::vector<double>& w) {
  w.clear();
  switch (p.mode) {
    case Mode::Nearest: {
      bool upper = true;  // an integral x_original (ratio 1) is the upper point itself
      if (ratio < 1.0) {
        switch (p.rounding) {
          case Rounding::RoundPreferFloor:
            upper = ratio > 0.5;
            break;
          case Rounding::RoundPreferCeil:
            upper = ratio >= 0.5;
            break;
          case Rounding::Floor:
            upper = false;
            break;
          case Rounding::Ceil:
            upper = true;
            break;
        }
      }
      w = {upper ? 0.0 : 1.0, upper ? 1.0 : 0.0};
      return;
    }
    case Mode::Linear:
      if (p.antialias && scale < 1.0) {
        const int64_t start = int64_t(std::floor(-1.0 / scale)) + 1, footprint = 2 - 2 * start;
        double sum = 0;
        for (int64_t i = 0; i < footprint; ++i) {
          w.push_back(std::clamp(1.0 - std::fabs((double(start + i) - ratio) * scale), 0.0, 1.0));
          sum += w.back();
        }
        for (double& v : w) v /= sum;
      } else {
        w = {1.0 - ratio, ratio};
      }
      return;
    case Mode::Cubic: {
      const double A = p.cubicA;
      if (p.antialias && scale < 1.0) {
        const int64_t start = int64_t(std::floor(-2.0 / scale)) + 1, end = 2 - start;
        double sum = 0;
        for (int64_t i = start; i < end; ++i) {
          w.push_back(cubicKernel(scale * (double(i) - ratio), A));
          sum += w.back();
        }
        for (double& v : w) v /= sum;
      } else {
        const double r = ratio, q = 1 - ratio;
        w = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
             ((A + 2) * r - (A + 3)) * r * r + 1, ((A + 2) * q - (A + 3)) * q * q + 1,
             ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A};
      }
      return;
    }
  }
}

}  // namespace

bool resizeAxisTaps(const ResizeParams& p, const ResizePlan& plan, size_t a, int64_t x,
                    std::vector<int64_t>& idx, std::vector<double>& w) {
  const int64_t in = plan.in[a];
  const double xo = originalCoord(p, plan, a, x);
  if (!std::isfinite(xo))
    throw Error("Resize: non-finite source coordinate on axis " + std::to_string(a));
  if (p.coord == Coord::TfCropAndResize && (xo < 0 || xo > double(in - 1))) return false;
  const double fl = std::floor(xo);
  coefficients(p, fl == xo ? 1.0 : xo - fl, plan.scale[a], w);
  const int64_t n = int64_t(w.size()), half = n / 2;
  const int64_t start = std::clamp(int64_t(std::ceil(xo)) - half, -half, in - half);
  idx.resize(size_t(n));
  for (int64_t k = 0; k < n; ++k) idx[size_t(k)] = start + k;
  if (p.excludeOutside && p.mode != Mode::Nearest) {
    double sum = 0;
    for (int64_t k = 0; k < n; ++k) {
      if (idx[size_t(k)] < 0 || idx[size_t(k)] >= in) w[size_t(k)] = 0;
      sum += w[size_t(k)];
    }
    if (sum != 0)
      for (double& v : w) v /= sum;
  }
  return true;
}

void checkResizeGeometry(const ResizePlan& plan) {
  for (size_t a = 0; a < plan.in.size(); ++a)
    if (plan.in[a] == 0 && plan.out[a] > 0)
      throw Error("Resize: axis " + std::to_string(a) + " of X (shape " + shapeToString(plan.in) +
                  ") is empty and cannot be resized to " + std::to_string(plan.out[a]));
}

ResizeAxisTable buildResizeAxisTable(const ResizeParams& p, const ResizePlan& plan, size_t a) {
  ResizeAxisTable t;
  const int64_t in = plan.in[a], out = plan.out[a];
  t.identity = in == out;
  std::vector<int64_t> idx;
  std::vector<double> w;
  t.begin.push_back(0);
  for (int64_t o = 0; o < out; ++o) {
    const bool inside = resizeAxisTaps(p, plan, a, o, idx, w);
    t.outside.push_back(!inside);
    t.anyOutside = t.anyOutside || !inside;
    const size_t first = t.idx.size();
    for (size_t j = 0; inside && j < idx.size(); ++j) {
      if (w[j] == 0) continue;
      const int64_t c = std::clamp<int64_t>(idx[j], 0, in - 1);
      bool merged = false;
      for (size_t q = first; q < t.idx.size() && !merged; ++q)
        if (t.idx[q] == c) t.w[q] += float(w[j]), merged = true;
      if (!merged) t.idx.push_back(c), t.w.push_back(float(w[j]));
    }
    const size_t n = t.idx.size() - first;
    t.identity = t.identity && inside && n == 1 && t.idx[first] == o && t.w[first] == 1.0f;
    t.begin.push_back(int64_t(t.idx.size()));
  }
  return t;
}

}  // namespace nc
