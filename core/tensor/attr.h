#pragma once
// Typed node attributes, named as in ONNX.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/tensor/tensor.h"

namespace nc {

enum class AttrType { Int, Float, String, Ints, Floats, Tensor };

using AttrValue =
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>, Tensor>;

const char* attrTypeName(AttrType t);
AttrType attrTypeOf(const AttrValue& v);
std::string attrToString(const AttrValue& v);
bool attrEquals(const AttrValue& a, const AttrValue& b);

}  // namespace nc
