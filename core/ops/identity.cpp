#include "core/ops/identity.h"

#include "core/ops/util/shape_util.h"

namespace nc {

const OpSpec& identityOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Identity";
    s.sinceVersion = 16;
    s.category = "Tensor";
    s.caption = "Identity";
    s.doc = "Y = X";
    s.inputs = {in("input")};
    s.outputs = {in("output")};
    s.infer = sameAsFirstInput;
    s.reference = [](const AttrReader&) {
      return makeKernel([](std::span<const Tensor> in) { return std::vector<Tensor>{in[0]}; });
    };
    s.blocked = BlockedForm::Pointwise;
    return s;
  }();
  return spec;
}

}  // namespace nc
