#pragma once
// An independent 2D pooling oracle for the MaxPool / AveragePool tests: the input is copied
// into a grid grown by the pads (each cell marked real or padding), then every window is read
// with no bounds arithmetic. Output sizes are counted window by window.
#include <vector>

#include "core/tensor/tensor.h"

namespace nctest {

struct PoolOracleParams {
  bool max = true;
  std::vector<int64_t> kernel{2, 2}, strides{1, 1}, dilations{1, 1};
  std::vector<int64_t> pads{0, 0, 0, 0};  // top, left, bottom, right
  bool ceilMode = false;
  bool countIncludePad = false;
};

// Returns {Y, row-major Indices} for an N x C x H x W input.
std::pair<nc::Tensor, nc::Tensor> poolOracle2d(const nc::Tensor& x, const PoolOracleParams& p);

}  // namespace nctest
