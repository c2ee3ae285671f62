#pragma once
// NumPy .npy reader for parameter and input data. Accepts format versions 1.0, 2.0 and 3.0,
// C order, little-endian float32 ('<f4'), float64 ('<f8', converted to float32) and int64
// ('<i8'). Anything else fails with an nc::Error naming the file and what was found.
#include <string>

#include "core/tensor/tensor.h"

namespace nc {

Tensor loadNpy(const std::string& path);
// The same from bytes already in memory; `what` names the source in error messages.
Tensor parseNpy(const std::string& bytes, const std::string& what = "npy data");

}  // namespace nc
