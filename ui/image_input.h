#pragma once
// Image files as graph-input data: a 1x3xHxW float32 tensor (RGB, channel-major).
#include <QString>

#include "core/tensor/tensor.h"

namespace ncui {

// Reads `path` (any format Qt can decode), scales it to cover height x width and centre-crops
// (aspect kept; height or width <= 0 keeps the image's own size), and returns values in [0, 1],
// or ImageNet-normalised ((x - mean) / std per channel) when normalizeImagenet is set.
// Throws nc::Error naming the file when it cannot be read.
nc::Tensor imageToTensor(const QString& path, int height, int width, bool normalizeImagenet);

}  // namespace ncui
