#pragma once
// Kernels and shape inference shared by MaxPool, AveragePool, GlobalMaxPool and
// GlobalAveragePool (as elementwise.h is for the elementwise ops). Each op keeps its own spec
// in its own file.
#include "core/ops/op.h"
#include "core/ops/util/window_geometry.h"

namespace nc {

enum class PoolMode { Max, Average };

struct PoolParams {
  PoolMode mode = PoolMode::Max;
  bool global = false;           // window = the whole spatial extent
  WindowAttrs window;            // kernel_shape, strides, pads, auto_pad, ceil_mode, dilations
  bool countIncludePad = false;  // AveragePool
  int storageOrder = 0;          // MaxPool Indices: 0 row-major, 1 column-major
  bool withIndices = false;      // MaxPool second output

  static PoolParams read(const AttrReader& a, PoolMode mode, bool global);
};

// Shape inference for the windowed pools (global = false) and the global pools.
std::vector<TensorType> inferPool(const InferContext& ctx, PoolMode mode, bool global);

// Geometry of a pool over input shape x (throws nc::Error / ShapeError on bad attributes).
WindowGeometry poolGeometry(const PoolParams& p, const Shape& x);

// The oracle: windows walked tap by tap over a 3D view; averages accumulate in double.
std::unique_ptr<Kernel> makePoolReferenceKernel(const PoolParams& p);
// oneDNN pooling (plain layouts, primitives cached per input shape); cases oneDNN cannot do
// exactly as ONNX (Indices, ceil_mode overhang with count_include_pad, > 3 spatial dims) run
// on the reference kernel.
std::unique_ptr<Kernel> makePoolFastKernel(const PoolParams& p);

// Sets a pool op's shape inference, reference and fast kernels (the four pool specs differ only
// in mode and globality).
void setPoolFunctions(OpSpec& s, PoolMode mode, bool global);

}  // namespace nc
