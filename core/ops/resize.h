#pragma once
// Resize (ONNX opset 13 semantics, with the opset-18 attributes antialias, axes and
// keep_aspect_ratio_policy): nearest, N-D linear and cubic interpolation under every
// coordinate_transformation_mode. The resize engine below is shared with Upsample.
#include <optional>
#include <vector>

#include "core/ops/op.h"
#include "core/ops/util/resize_plan.h"

namespace nc {

const OpSpec& resizeOp();

// Throws nc::Error on an unknown mode name.
ResizeParams parseResizeParams(const AttrReader& a);

// Static description of the scales/sizes/roi inputs for planning: a value when known, a
// length when only the shape is known.
struct ResizeInputs {
  const Tensor* roi = nullptr;     // null or empty: absent
  const Tensor* scales = nullptr;  // null or empty: absent
  const Tensor* sizes = nullptr;   // null or empty: absent
};

// Output geometry; unknown input dims (-1) give unknown output dims. Throws ShapeError naming
// the offending input (X=0, roi=1, scales=2, sizes=3) and both shapes.
ResizePlan planResize(const ResizeParams& p, const Shape& in, const ResizeInputs& inputs);

// Throws nc::Error naming `op`'s output and its size when the output of `plan` (and, for the fast
// kernel, its per-output-coordinate tables) would exceed the memory budget. Kernels call it before
// building anything: a scale of 1e9 must fail at once, not after gigabytes of tables.
void checkResizeSize(const std::string& op, const ResizeParams& p, const ResizePlan& plan, bool fast);

// The naive oracle: every output element computed on its own, in double, following the ONNX
// reference interpolation (edge-padded neighbourhoods, per-axis coefficients).
Tensor resizeReference(const ResizeParams& p, const ResizePlan& plan, const Tensor& x);
// Per-axis tap tables applied one axis at a time; nearest is a gather with row reuse.
Tensor resizeFast(const ResizeParams& p, const ResizePlan& plan, const Tensor& x);

}  // namespace nc
