#include "core/tensor/attr.h"

#include <cstring>
#include <sstream>
#include <type_traits>

namespace nc {

const char* attrTypeName(AttrType t) {
  switch (t) {
    case AttrType::Int: return "int";
    case AttrType::Float: return "float";
    case AttrType::String: return "string";
    case AttrType::Ints: return "ints";
    case AttrType::Floats: return "floats";
    case AttrType::Tensor: return "tensor";
  }
  return "?";
}

AttrType attrTypeOf(const AttrValue& v) { return AttrType(v.index()); }

std::string attrToString(const AttrValue& v) {
  std::ostringstream os;
  struct V {
    std::ostringstream& os;
    void operator()(int64_t x) { os << x; }
    void operator()(float x) { os << x; }
    void operator()(const std::string& s) { os << s; }
    void operator()(const std::vector<int64_t>& xs) {
      os << '[';
      for (size_t i = 0; i < xs.size(); ++i) os << (i ? ", " : "") << xs[i];
      os << ']';
    }
    void operator()(const std::vector<float>& xs) {
      os << '[';
      for (size_t i = 0; i < xs.size(); ++i) os << (i ? ", " : "") << xs[i];
      os << ']';
    }
    void operator()(const Tensor& t) { os << "tensor " << dtypeName(t.dtype()) << shapeToString(t.shape()); }
  };
  std::visit(V{os}, v);
  return os.str();
}

bool attrEquals(const AttrValue& a, const AttrValue& b) {
  if (a.index() != b.index()) return false;
  if (auto* ta = std::get_if<Tensor>(&a)) {
    const auto& tb = std::get<Tensor>(b);
    if (ta->empty() || tb.empty()) return ta->empty() == tb.empty();
    return ta->dtype() == tb.dtype() && ta->shape() == tb.shape() &&
           std::memcmp(ta->raw(), tb.raw(), ta->bytes()) == 0;
  }
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Tensor>) return false;
        else return x == std::get<T>(b);
      },
      a);
}

}  // namespace nc
