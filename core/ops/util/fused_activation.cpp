#include "core/ops/util/fused_activation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/ops/sigmoid.h"
#include "core/ops/silu.h"
#include "core/ops/util/parallel.h"

namespace nc {

namespace {

using Kind = FusedActivation::Kind;

struct KindName {
  Kind kind;
  const char* op;
};
constexpr KindName kKinds[] = {{Kind::Relu, "Relu"},           {Kind::Sigmoid, "Sigmoid"},
                               {Kind::SiLU, "SiLU"},           {Kind::Clip, "Clip"},
                               {Kind::LeakyRelu, "LeakyRelu"}, {Kind::HardSigmoid, "HardSigmoid"},
                               {Kind::HardSwish, "HardSwish"}};

template <class F>
void applyEach(Tensor& y, F f) {
  float* p = y.f32();
  parallelFor(y.numel(), kParallelElements, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) p[i] = f(p[i]);
  });
}

}  // namespace

Kind FusedActivation::kindOf(const std::string& op) {
  for (const KindName& k : kKinds)
    if (op == k.op) return k.kind;
  return Kind::None;
}

bool FusedActivation::fusable(const std::string& op) { return kindOf(op) != Kind::None; }

const char* FusedActivation::opType() const {
  for (const KindName& k : kKinds)
    if (kind == k.kind) return k.op;
  return "";
}

FusedActivation FusedActivation::read(const AttrReader& a, const std::string& prefix) {
  FusedActivation f;
  const std::string& s = a.s(prefix);
  if (s.empty()) return f;
  f.kind = kindOf(s);
  if (f.kind == Kind::None) throw Error(a.spec().type + ": unknown fused activation '" + s + "'");
  f.alpha = a.f(prefix + "_alpha");
  f.beta = a.f(prefix + "_beta");
  return f;
}

std::vector<AttrSpec> FusedActivation::attrSpecs(const std::string& prefix,
                                                 const std::string& what) {
  std::vector<std::string> kinds = {""};
  for (const KindName& k : kKinds) kinds.push_back(k.op);
  const double inf = std::numeric_limits<double>::infinity();
  return {internalAttr(attrString(prefix, "", kinds,
                                  what + " (core/eval/fusion.h); exported as its own node")),
          internalAttr(attrFloat(prefix + "_alpha", 0.0f, -inf, inf,
                                 "its parameter: Clip's min, LeakyRelu's or HardSigmoid's alpha")),
          internalAttr(attrFloat(prefix + "_beta", 0.0f, -inf, inf,
                                 "its parameter: Clip's max, HardSigmoid's beta"))};
}

void FusedActivation::apply(Tensor& y) const {
  const float a = alpha, b = beta;
  switch (kind) {
    case Kind::None:
      return;
    case Kind::Relu:
      return applyEach(y, [](float x) { return x > 0.0f ? x : 0.0f; });
    case Kind::Sigmoid:
      return applyEach(y, [](float x) { return sigmoid(x); });
    case Kind::SiLU:
      return applyEach(y, [](float x) { return silu(x); });
    case Kind::Clip:
      return applyEach(y, [a, b](float x) { return std::min(std::max(x, a), b); });
    case Kind::LeakyRelu:
      return applyEach(y, [a](float x) { return x >= 0.0f ? x : a * x; });
    case Kind::HardSigmoid:
      return applyEach(y, [a, b](float x) { return std::max(0.0f, std::min(1.0f, a * x + b)); });
    case Kind::HardSwish:
      return applyEach(y,
                       [](float x) { return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)); });
  }
}

void FusedActivation::exportOnnx(ExportContext& ctx, const std::string& in, const std::string& out,
                                 const std::string& suffix) const {
  switch (kind) {
    case Kind::None:
      throw Error("no fused activation to export");
    case Kind::SiLU: {
      const std::string sig = ctx.tempName("sigmoid");
      ctx.addNode("Sigmoid", {in}, {sig}, {}, suffix + "_sigmoid");
      ctx.addNode("Mul", {in, sig}, {out}, {}, suffix + "_mul");
      return;
    }
    case Kind::Clip: {
      std::vector<std::string> ins = {in, "", ""};
      if (alpha > -std::numeric_limits<float>::infinity()) {
        ins[1] = ctx.tempName("clip_min");
        ctx.addInitializer(ins[1], Tensor::scalar(alpha));
      }
      if (beta < std::numeric_limits<float>::infinity()) {
        ins[2] = ctx.tempName("clip_max");
        ctx.addInitializer(ins[2], Tensor::scalar(beta));
      }
      while (ins.back().empty()) ins.pop_back();
      ctx.addNode("Clip", ins, {out}, {}, suffix + "_Clip");
      return;
    }
    case Kind::LeakyRelu:
      ctx.addNode("LeakyRelu", {in}, {out}, {{"alpha", AttrValue(alpha)}}, suffix + "_LeakyRelu");
      return;
    case Kind::HardSigmoid:
      ctx.addNode("HardSigmoid", {in}, {out},
                  {{"alpha", AttrValue(alpha)}, {"beta", AttrValue(beta)}},
                  suffix + "_HardSigmoid");
      return;
    case Kind::Relu:
    case Kind::Sigmoid:
    case Kind::HardSwish:
      ctx.addNode(opType(), {in}, {out}, {}, suffix + "_" + opType());
      return;
  }
}

}  // namespace nc
