#include "core/ops/average_pool.h"

#include "core/ops/util/pooling.h"

namespace nc {

const OpSpec& averagePoolOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "AveragePool";
    s.sinceVersion = 11;
    s.minImportOpset = 1;
    s.category = "Pooling";
    s.caption = "AvgPool";
    s.doc =
        "Mean over sliding windows of X (N x C x D...); count_include_pad decides whether padding "
        "counts";
    s.inputs = {in("X")};
    s.outputs = {in("Y")};
    s.attrs = {
        attrString(
            "auto_pad", "NOTSET", {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
            "NOTSET uses pads; SAME_* pad so that out = ceil(in / stride); VALID: no padding"),
        attrInt("ceil_mode", 0, 0, 1,
                "1: round the output size up (the last window must start inside the input)"),
        attrInt("count_include_pad", 0, 0, 1, "1: padded positions count in the divisor"),
        attrInts("kernel_shape", std::nullopt, "window size per spatial dim (required)"),
        attrInts("pads", std::nullopt, "begin pads then end pads per spatial dim (default 0)"),
        attrInts("strides", std::nullopt, "stride per spatial dim (default 1)"),
    };
    s.attrs[3].required = true;
    setPoolFunctions(s, PoolMode::Average, false);
    return s;
  }();
  return spec;
}

}  // namespace nc
