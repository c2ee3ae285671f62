#include "core/ops/split.h"

#include <cstring>

#include "core/ops/util/int_inputs.h"
#include "core/ops/util/parallel.h"
#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

// Sizes of the n parts of a dimension of extent dim (-1: unknown). Throws ShapeError.
std::vector<int64_t> splitSizes(const std::optional<std::vector<int64_t>>& split, int64_t dim,
                                int n) {
  if (split) {
    if (int(split->size()) != n)
      throw ShapeError("split has " + std::to_string(split->size()) + " sizes for " +
                       std::to_string(n) + " outputs");
    int64_t sum = 0;
    for (int64_t v : *split) {
      if (v < 0) throw ShapeError("split sizes must be >= 0, got " + std::to_string(v));
      sum += v;
    }
    if (dim >= 0 && sum != dim)
      throw ShapeError("split sizes add up to " + std::to_string(sum) +
                       " but the split dimension is " + std::to_string(dim));
    return *split;
  }
  if (dim < 0) return std::vector<int64_t>(size_t(n), -1);
  const int64_t chunk = (dim + n - 1) / n, last = dim - chunk * (n - 1);
  if (last < 0)
    throw ShapeError("a dimension of " + std::to_string(dim) + " cannot be split into " +
                     std::to_string(n) + " parts of " + std::to_string(chunk));
  std::vector<int64_t> s(size_t(n), chunk);
  s.back() = last;
  return s;
}

std::vector<TensorType> inferSplit(const InferContext& ctx) {
  const int n = ctx.attrs.node().numOutputs;
  const auto& x = ctx.input(0);
  DType dt = x ? x->dtype : DType::Float32;
  bool dynamic = false;
  auto split = staticIntsOrAttr(ctx, 1, "split", &dynamic);
  if (!x || !x->rankKnown) return std::vector<TensorType>(size_t(n), TensorType::unknown(dt));
  int axis = 0;
  try {
    axis = normalizeAxis(ctx.attrs.i("axis"), int(x->dims.size()));
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 0);
  }
  std::vector<int64_t> sizes(size_t(n), -1);
  if (!dynamic) try {
      sizes = splitSizes(split, x->dims[size_t(axis)], n);
    } catch (const ShapeError& e) {
      ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ", axis " +
                   std::to_string(axis) + ")",
               split && ctx.hasInput(1) ? 1 : 0);
    }
  std::vector<TensorType> out;
  for (int i = 0; i < n; ++i) {
    TensorType t = *x;
    t.dims[size_t(axis)] = sizes[size_t(i)];
    out.push_back(t);
  }
  return out;
}

class SplitKernel : public Kernel {
 public:
  explicit SplitKernel(const AttrReader& a)
      : axis_(a.i("axis")),
        n_(a.node().numOutputs),
        attrSplit_(a.has("split") ? std::optional(a.ints("split")) : std::nullopt) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    const int axis = normalizeAxis(axis_, x.rank());
    auto split = runtimeInts(in, 1, "split");
    if (!split) split = attrSplit_;
    std::vector<int64_t> sizes = splitSizes(split, x.dim(axis), n_);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= x.dim(i);
    for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
    const size_t es = dtypeSize(x.dtype());
    const int64_t dim = x.dim(axis);
    const auto* src = static_cast<const std::byte*>(x.raw());
    std::vector<Tensor> outs;
    std::vector<CopyTask> copies;
    int64_t offset = 0;
    for (int64_t sz : sizes) {
      Shape s = x.shape();
      s[size_t(axis)] = sz;
      Tensor y = Tensor::uninitialized(x.dtype(), s);  // every element is copied in
      auto* dst = static_cast<std::byte*>(y.raw());
      const size_t run = size_t(sz * inner) * es;
      for (int64_t o = 0; o < outer && run; ++o)
        copies.push_back({dst + size_t(o) * run, src + size_t((o * dim + offset) * inner) * es, run});
      offset += sz;
      outs.push_back(y);
    }
    parallelCopy(copies);
    return outs;
  }

 private:
  int64_t axis_;
  int n_;
  std::optional<std::vector<int64_t>> attrSplit_;
};

}  // namespace

const OpSpec& splitOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Split";
    s.sinceVersion = 18;
    s.minImportOpset = 2;
    s.category = "Tensor";
    s.caption = "Split";
    s.doc =
        "Splits along `axis` into the node's outputs: by the `split` sizes, else into equal parts "
        "(ceil(dim / outputs), the last one smaller)";
    s.inputs = {in("input"), setting("split", true, "int64 sizes, one per output")};
    PortSpec outs = in("outputs");
    outs.variadic = true;
    s.outputs = {outs};
    s.attrs = {
        attrInt("axis", 0, -64, 63, "the axis split along"),
        attrInts("split", std::nullopt,
                 "sizes when the 'split' input is unbound (opset < 13 form)"),
    };
    s.infer = inferSplit;
    s.reference = [](const AttrReader& a) { return std::make_unique<SplitKernel>(a); };
    s.importOnnx = [](ImportedNode& n) {
      if (auto it = n.attrs.find("num_outputs"); it != n.attrs.end()) {
        // Opset 18: the count of outputs is the node's own output count.
        if (std::get<int64_t>(it->second) != n.numOutputs)
          throw Error("Split '" + n.name +
                      "': num_outputs=" + std::to_string(std::get<int64_t>(it->second)) +
                      " but the node has " + std::to_string(n.numOutputs) + " outputs");
        n.attrs.erase(it);
      }
    };
    s.exportOnnx = [](ExportContext& ctx, const AttrReader& a) {
      const int n = a.node().numOutputs;
      std::vector<std::string> outs;
      for (int i = 0; i < n; ++i) outs.push_back(ctx.output(i));
      std::vector<std::pair<std::string, AttrValue>> attrs;
      if (a.has("axis")) attrs.emplace_back("axis", a.i("axis"));
      std::vector<std::string> ins = {ctx.input(0)};
      std::string split = exportIntsInput(ctx, a, 1, "split");
      if (split.empty() && ctx.opset() >= 18) {
        attrs.emplace_back("num_outputs", int64_t(n));
      } else if (split.empty()) {
        // Opset 13-17 split equally only when the size divides; otherwise spell out the sizes.
        auto t = ctx.inputType(0);
        if (t && t->rankKnown && !t->dims.empty()) {
          int axis = normalizeAxis(a.i("axis"), int(t->dims.size()));
          int64_t dim = t->dims[size_t(axis)];
          if (dim >= 0 && dim % n != 0) {
            std::vector<int64_t> sizes = splitSizes(std::nullopt, dim, n);
            split = ctx.tempName("split");
            ctx.addInitializer(split, Tensor::fromInt64({int64_t(n)}, sizes));
          }
        }
      }
      if (!split.empty()) ins.push_back(split);
      ctx.addNode("Split", ins, outs, attrs);
    };
    s.blocked = BlockedForm::ChannelSplit;
    return s;
  }();
  return spec;
}

}  // namespace nc
