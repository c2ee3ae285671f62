#include "core/ops/max_pool.h"

#include "core/ops/util/pooling.h"

namespace nc {

const OpSpec& maxPoolOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "MaxPool";
    s.sinceVersion = 12;
    s.minImportOpset = 1;
    s.category = "Pooling";
    s.caption = "MaxPool";
    s.doc = "Maximum over sliding windows of X (N x C x D...); padding never wins";
    s.inputs = {in("X")};
    s.outputs = {in("Y"),
                 optionalOut("Indices", "int64 flat index of each maximum (see storage_order)")};
    s.attrs = {
        attrString(
            "auto_pad", "NOTSET", {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
            "NOTSET uses pads; SAME_* pad so that out = ceil(in / stride); VALID: no padding"),
        attrInt("ceil_mode", 0, 0, 1,
                "1: round the output size up (the last window must start inside the input)"),
        attrInts("dilations", std::nullopt,
                 "spacing between window taps per spatial dim (default 1)"),
        attrInts("kernel_shape", std::nullopt, "window size per spatial dim (required)"),
        attrInts("pads", std::nullopt, "begin pads then end pads per spatial dim (default 0)"),
        attrInt("storage_order", 0, 0, 1, "Indices layout: 0 row major, 1 column major"),
        attrInts("strides", std::nullopt, "stride per spatial dim (default 1)"),
    };
    s.attrs[3].required = true;
    setPoolFunctions(s, PoolMode::Max, false);
    return s;
  }();
  return spec;
}

}  // namespace nc
