#pragma once
// How a node's parameter ports (Conv W/B, BatchNorm statistics, ...) get their first tensor:
// the shape implied by the op and the node's input types, and the default initialiser per port.
// Model facts shared by the document (which initialises unbound weights when a node is wired)
// and the inspector (which offers the same defaults).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/tensor/init.h"

namespace nc {

// Conv and ConvTranspose: their W shape follows an output-channel count.
bool isConvLike(const std::string& op);

// The shape a parameter port's tensor should have, from the op and the node's input types:
// Conv W = [outC, inC/group, k...] (ConvTranspose W = [inC, outC/group, k...]) with
// kernel_shape defaulting to 3 per spatial dim, Conv B = [outC], per-channel statistics of
// Batch/InstanceNormalization = [C]; otherwise the current constant's shape. outChannels <= 0
// keeps the current W's output channels (or the input channels for a new W). nullopt: unknown.
std::optional<Shape> suggestParamShape(const OpSpec& spec, const Node& node, int port,
                                       const std::vector<std::optional<TensorType>>& inputTypes,
                                       int64_t outChannels = 0);
// The output-channel count implied by the node's current weights (Conv-like ops), else 0.
int64_t currentOutChannels(const OpSpec& spec, const Node& node);

// The default initialiser of a parameter port: scales and variances one, biases and means
// zero, other tensors of rank >= 2 (weights) Kaiming-normal, anything else zero. `shape` is
// the tensor's shape when known.
InitScheme defaultInitScheme(const OpSpec& spec, int port, const std::optional<Shape>& shape);
// The default seed of a port's random initialiser: reproducible per node and port.
uint64_t defaultInitSeed(NodeId node, int port);

}  // namespace nc
