#include "core/ops/clip.h"

#include <algorithm>
#include <limits>

#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

const char* kBoundNames[] = {"input", "min", "max"};

// min and max must be scalars; a one-element 1-D tensor is accepted too (as ONNX Runtime does).
bool isScalarLike(const Shape& s) {
  return s.empty() || (s.size() == 1 && (s[0] == 1 || s[0] < 0));
}

std::vector<TensorType> inferClip(const InferContext& ctx) {
  if (ctx.input(0) && ctx.input(0)->dtype != DType::Float32)
    ctx.fail("Clip supports float32 only; input 'input' is " + ctx.input(0)->toString(), 0);
  for (int i = 1; i <= 2; ++i) {
    const auto& b = ctx.input(i);
    if (!b || !b->rankKnown) continue;
    if (!isScalarLike(b->dims))
      ctx.fail(std::string("input '") + kBoundNames[i] + "' must be a scalar, got shape " +
                   shapeToString(b->dims) +
                   (ctx.input(0) && ctx.input(0)->rankKnown
                        ? " (input shape " + shapeToString(ctx.input(0)->dims) + ")"
                        : std::string()),
               i);
    if (ctx.input(0) && b->dtype != ctx.input(0)->dtype)
      ctx.fail(std::string("input '") + kBoundNames[i] + "' has element type " +
                   dtypeName(b->dtype) + " but input has " + dtypeName(ctx.input(0)->dtype),
               i);
  }
  return sameAsFirstInput(ctx);
}

float bound(const Tensor& t, int which, float absent) {
  if (t.empty()) return absent;
  if (t.numel() != 1)
    throw Error(std::string("Clip: '") + kBoundNames[which] + "' must be a scalar, got shape " +
                shapeToString(t.shape()));
  return t.f32()[0];
}

// Y = min(max(X, min), max): with min > max every element becomes max, as in ONNX.
std::vector<Tensor> clip(std::span<const Tensor> in) {
  const Tensor& x = in[0];
  const float lo =
      bound(in.size() > 1 ? in[1] : Tensor(), 1, -std::numeric_limits<float>::infinity());
  const float hi =
      bound(in.size() > 2 ? in[2] : Tensor(), 2, std::numeric_limits<float>::infinity());
  Tensor y(DType::Float32, x.shape());
  const float* px = x.f32();
  float* py = y.f32();
  for (int64_t i = 0; i < x.numel(); ++i) py[i] = std::min(std::max(px[i], lo), hi);
  return {y};
}

}  // namespace

const OpSpec& clipOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Clip";
    s.sinceVersion = 13;
    // Opset 6 took min/max as attributes; NetCanvas imports only the input form (opset 11+) and
    // refuses older models by version.
    s.minImportOpset = 11;
    s.category = "Activation";
    s.caption = "Clip";
    s.doc = "Y = min(max(X, min), max); unbound min/max mean no bound";
    s.inputs = {in("input"), optionalIn("min", "scalar lower bound"),
                optionalIn("max", "scalar upper bound")};
    s.outputs = {in("output")};
    s.infer = inferClip;
    s.reference = [](const AttrReader&) { return makeKernel(clip); };
    s.blocked = BlockedForm::Pointwise;
    return s;
  }();
  return spec;
}

}  // namespace nc
