#include "core/ops/util/window_geometry.h"

#include "core/ops/util/checked_size.h"

namespace nc {

namespace {

std::string intsToString(const std::vector<int64_t>& v) { return shapeToString(v); }

void checkSize(const std::vector<int64_t>& v, size_t spatial, const char* name, size_t perDim = 1) {
  if (v.empty() || v.size() == spatial * perDim) return;
  throw ShapeError(std::string("attribute '") + name + "' " + intsToString(v) + " has " +
                   std::to_string(v.size()) + " values but the input has " +
                   std::to_string(spatial) + " spatial dims (needs " +
                   std::to_string(spatial * perDim) +
                   (perDim == 2 ? ": begin and end per dim)" : ")"));
}

}  // namespace

WindowAttrs WindowAttrs::read(const AttrReader& a) {
  WindowAttrs w;
  w.kernelShape = a.ints("kernel_shape");
  w.strides = a.ints("strides");
  if (a.spec().findAttr("dilations")) w.dilations = a.ints("dilations");
  w.pads = a.ints("pads");
  if (const AttrValue* v = a.get("auto_pad"); v && std::holds_alternative<std::string>(*v))
    w.autoPad = std::get<std::string>(*v);
  if (a.spec().findAttr("ceil_mode")) w.ceilMode = a.i("ceil_mode") != 0;
  return w;
}

std::vector<int64_t> spatialDims(const Shape& s) {
  return s.size() > 2 ? std::vector<int64_t>(s.begin() + 2, s.end()) : std::vector<int64_t>{};
}

WindowGeometry WindowGeometry::padded(int rank) const {
  WindowGeometry g = *this;
  const size_t extra = rank > spatial() ? size_t(rank - spatial()) : 0;
  auto front = [extra](std::vector<int64_t>& v, int64_t fill) { v.insert(v.begin(), extra, fill); };
  front(g.in, 1);
  front(g.kernel, 1);
  front(g.strides, 1);
  front(g.dilations, 1);
  front(g.padBegin, 0);
  front(g.padEnd, 0);
  front(g.out, 1);
  return g;
}

WindowGeometry computeWindowGeometry(const WindowAttrs& a, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel) {
  const size_t n = in.size();
  WindowGeometry g;
  g.in = in;
  g.kernel = kernel;
  if (kernel.size() != n)
    throw ShapeError("kernel_shape " + intsToString(kernel) + " has " +
                     std::to_string(kernel.size()) + " values but the input has " +
                     std::to_string(n) + " spatial dims " + intsToString(in));
  checkSize(a.strides, n, "strides");
  checkSize(a.dilations, n, "dilations");
  checkSize(a.pads, n, "pads", 2);
  g.strides = a.strides.empty() ? std::vector<int64_t>(n, 1) : a.strides;
  g.dilations = a.dilations.empty() ? std::vector<int64_t>(n, 1) : a.dilations;
  g.padBegin.assign(n, 0);
  g.padEnd.assign(n, 0);
  g.out.assign(n, -1);
  const bool same = a.autoPad == "SAME_UPPER" || a.autoPad == "SAME_LOWER";
  if (a.autoPad != "NOTSET" && a.autoPad != "VALID" && !same)
    throw ShapeError("auto_pad '" + a.autoPad +
                     "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  if (a.autoPad == "NOTSET" && !a.pads.empty())
    for (size_t i = 0; i < n; ++i) {
      g.padBegin[i] = a.pads[i];
      g.padEnd[i] = a.pads[i + n];
    }
  for (size_t i = 0; i < n; ++i) {
    if (kernel[i] < 1)
      throw ShapeError("kernel_shape " + intsToString(kernel) + " must be positive");
    if (g.strides[i] < 1)
      throw ShapeError("strides " + intsToString(g.strides) + " must be positive");
    if (g.dilations[i] < 1)
      throw ShapeError("dilations " + intsToString(g.dilations) + " must be positive");
    if (g.padBegin[i] < 0 || g.padEnd[i] < 0)
      throw ShapeError("pads " + intsToString(a.pads) + " must not be negative");
  }
  for (size_t i = 0; i < n; ++i) {
    // Checked int64 arithmetic: hostile pads, kernels or dilations (up to INT64_MAX) must give an
    // error, not a wrapped-around size.
    auto overflow = [&](const char* what) {
      return ShapeError(std::string(what) + " overflows int64 in spatial dim " + std::to_string(i) +
                        " (input " + intsToString(in) + ", kernel_shape " + intsToString(kernel) +
                        ", dilations " + intsToString(g.dilations) + ", pads " +
                        intsToString(a.pads) + ", strides " + intsToString(g.strides) + ")");
    };
    const std::optional<int64_t> ekChecked = checkedMul(kernel[i] - 1, g.dilations[i]);
    if (!ekChecked) throw overflow("the dilated kernel size");
    const int64_t ek = *ekChecked + 1, s = g.strides[i];
    if (in[i] < 0) continue;
    if (same) {
      const int64_t out = in[i] / s + (in[i] % s != 0);  // ceil(in / s)
      const std::optional<int64_t> reach = checkedAdd((out - 1) * s, ek);  // (out-1)*s <= in
      if (!reach) throw overflow("the padding for auto_pad");
      const int64_t total = std::max<int64_t>(0, *reach - in[i]);
      const int64_t small = total / 2, big = total - small;
      g.padBegin[i] = a.autoPad == "SAME_UPPER" ? small : big;
      g.padEnd[i] = a.autoPad == "SAME_UPPER" ? big : small;
    }
    const std::optional<int64_t> padded = checkedAdd(in[i], g.padBegin[i]);
    const std::optional<int64_t> paddedBoth = padded ? checkedAdd(*padded, g.padEnd[i]) : std::nullopt;
    if (!paddedBoth) throw overflow("the padded input size");
    const int64_t span = *paddedBoth - ek;  // both non-negative: cannot overflow
    if (span < 0)
      throw ShapeError("the window (kernel_shape " + intsToString(kernel) + ", dilations " +
                       intsToString(g.dilations) + ") is larger than the padded input " +
                       intsToString(in) + " in spatial dim " + std::to_string(i));
    int64_t out = span / s + 1;
    if (a.ceilMode && !same) {
      out = span / s + (span % s != 0) + 1;
      // The last window must start inside the input or the begin pad ((out - 1) * s <= span + s - 1
      // may still overflow when s is huge).
      const std::optional<int64_t> start = checkedMul(out - 1, s);
      if (!start || *start >= *padded) --out;
    }
    g.out[i] = out;
  }
  return g;
}

}  // namespace nc
