#pragma once
// The geometry of one resize (shared by Resize and Upsample): the parsed attributes, the
// per-axis plan, and what it implies for every output coordinate: x_original under the
// coordinate_transformation_mode, the interpolation weights of its neighbourhood, and the tap
// tables of the fast kernel.
#include <cstdint>
#include <vector>

#include "core/ops/op.h"

namespace nc {

// Parsed attributes (once per kernel).
struct ResizeParams {
  enum class Mode { Nearest, Linear, Cubic };
  enum class Coord {
    HalfPixel,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TfHalfPixelForNn,
    TfCropAndResize
  };
  enum class Rounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
  enum class AspectPolicy { Stretch, NotLarger, NotSmaller };
  Mode mode = Mode::Nearest;
  Coord coord = Coord::HalfPixel;
  Rounding rounding = Rounding::RoundPreferFloor;
  float cubicA = -0.75f;
  bool excludeOutside = false;
  float extrapolation = 0.0f;
  bool antialias = false;
  std::vector<int64_t> axes;  // as set (may be negative); empty: every axis
  AspectPolicy policy = AspectPolicy::Stretch;
};

// Per-axis geometry of one resize: output dims, the scale used by the coordinate transform, the
// "resized length" as the ONNX reference computes it (scale * input length, not rounded: the
// stored conformance outputs for align_corners downsampling depend on it) and the roi.
struct ResizePlan {
  Shape in, out;
  std::vector<double> scale, lengthResized, roiStart, roiEnd;
};

// The neighbourhood of output coordinate x along axis a: the n points nearest x_original in the
// edge-padded axis (indexes may lie outside [0, in); read them clamped) and their weights.
// Returns false when tf_crop_and_resize maps x outside the input (extrapolation_value).
bool resizeAxisTaps(const ResizeParams& p, const ResizePlan& plan, size_t a, int64_t x,
                    std::vector<int64_t>& idx, std::vector<double>& w);

// Throws nc::Error when an empty axis of X is to be resized to a non-empty one.
void checkResizeGeometry(const ResizePlan& plan);

// One axis of the fast kernel: for each output coordinate a run of (clamped index, weight)
// taps with zero weights dropped and repeated edge indexes merged.
struct ResizeAxisTable {
  std::vector<int64_t> begin;  // size out + 1, offsets into idx/w
  std::vector<int64_t> idx;
  std::vector<float> w;
  std::vector<uint8_t> outside;  // tf_crop_and_resize: coordinate maps outside the input
  bool anyOutside = false;
  bool identity = true;  // output o reads exactly input o
};

ResizeAxisTable buildResizeAxisTable(const ResizeParams& p, const ResizePlan& plan, size_t a);

}  // namespace nc
