#pragma once
// Sliding-window geometry shared by Conv, MaxPool and AveragePool: kernel, strides, dilations,
// pads (explicit or from auto_pad) and the output size, computed exactly as ONNX does.
#include <string>
#include <vector>

#include "core/ops/op.h"

namespace nc {

// Window attributes as set on the node (empty vectors: absent, i.e. the ONNX default).
struct WindowAttrs {
  std::vector<int64_t> kernelShape;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;  // [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
  std::string autoPad = "NOTSET";
  bool ceilMode = false;

  // Reads whichever of kernel_shape, strides, dilations, pads, auto_pad, ceil_mode the op has.
  static WindowAttrs read(const AttrReader& a);
};

// Resolved geometry for one input shape. Sizes are per spatial dimension.
struct WindowGeometry {
  std::vector<int64_t> in, kernel, strides, dilations, padBegin, padEnd, out;
  int spatial() const { return int(in.size()); }
  int64_t effectiveKernel(int i) const {
    return (kernel[size_t(i)] - 1) * dilations[size_t(i)] + 1;
  }
  // The same geometry with leading size-1 dims (no pad, stride 1) up to `rank` spatial dims,
  // so that 1D and 2D kernels can run through one 3D loop nest.
  WindowGeometry padded(int rank) const;
};

// Computes the geometry for the spatial input sizes `in` (-1: unknown, giving an unknown
// output size) and the kernel `kernel`. Output size per dimension:
//   floor((in + padBegin + padEnd - effKernel) / stride) + 1, or with ceil_mode the ceiling,
//   dropping the last window when it would start past the input plus the begin pad
// (ONNX / ONNX Runtime / PyTorch rule); SAME_* pads give ceil(in / stride).
// Throws ShapeError naming the attribute on inconsistent sizes or a non-positive output.
WindowGeometry computeWindowGeometry(const WindowAttrs& a, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel);

// The spatial dims of an N x C x D1 x ... shape.
std::vector<int64_t> spatialDims(const Shape& s);

}  // namespace nc
