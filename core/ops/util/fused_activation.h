#pragma once
// An activation fused into the Conv before it for inference (core/eval/fusion.h). The Conv
// carries it as internal attributes: `<prefix>` (the ONNX op type, or SiLU), `<prefix>_alpha`
// and `<prefix>_beta` (its parameters). The fast kernel applies it as oneDNN eltwise post-ops,
// the reference kernel with the scalar formula of the op it replaces, and export writes it back
// as that op.
#include <string>
#include <vector>

#include "core/ops/op.h"

namespace nc {

struct FusedActivation {
  enum class Kind { None, Relu, Sigmoid, SiLU, Clip, LeakyRelu, HardSigmoid, HardSwish };
  Kind kind = Kind::None;
  // Clip: min, max (+-infinity when unbound); LeakyRelu: alpha; HardSigmoid: alpha, beta.
  float alpha = 0.0f, beta = 0.0f;

  // The op types that can be fused: Relu, Sigmoid, SiLU, Clip, LeakyRelu, HardSigmoid, HardSwish.
  static bool fusable(const std::string& op);
  // Kind of a fusable op type (None for any other).
  static Kind kindOf(const std::string& op);
  // Reads the attributes `prefix`, `prefix_alpha`, `prefix_beta`; throws on an unknown kind.
  static FusedActivation read(const AttrReader& a, const std::string& prefix);
  // The internal attribute specs of one fused activation (for the Conv spec).
  static std::vector<AttrSpec> attrSpecs(const std::string& prefix, const std::string& what);

  explicit operator bool() const { return kind != Kind::None; }
  const char* opType() const;  // "" for None
  // The same formula as the op's own kernel, element by element, in place.
  void apply(Tensor& y) const;
  // Writes the op(s) it replaced from value `in` to value `out` (SiLU: Sigmoid -> Mul).
  void exportOnnx(ExportContext& ctx, const std::string& in, const std::string& out,
                  const std::string& suffix) const;
};

}  // namespace nc
