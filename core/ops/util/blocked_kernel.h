#pragma once
// The kernel side of oneDNN's blocked activation layout nChw16c (the evaluator's inference mode,
// core/eval/blocked_layout.h): a rank-4 float activation whose channel count is a multiple of
// kChannelBlock may reach a kernel as [N][C/16][H][W][16] with its logical shape N x C x H x W.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/tensor/tensor.h"

namespace nc {

constexpr int64_t kChannelBlock = 16;

// Implemented by kernels that can read and write blocked activations themselves (Conv and the
// pools, through oneDNN). inBlocked[i] tells whether input i is blocked; the kernel sets
// outBlocked per output. nullopt: this combination is not supported, and the evaluator runs
// Kernel::compute on plain inputs instead.
class BlockedKernel {
 public:
  virtual ~BlockedKernel() = default;
  virtual std::optional<std::vector<Tensor>> computeBlocked(std::span<const Tensor> in,
                                                            const std::vector<bool>& inBlocked,
                                                            std::vector<bool>& outBlocked) const = 0;
};

}  // namespace nc
