#include "core/ops/graph_io.h"

#include <cmath>
#include <random>

#include "core/tensor/init.h"

namespace nc {

static DType parseDType(const std::string& s) { return s == "int64" ? DType::Int64 : DType::Float32; }

static void checkAgainstDeclared(const Tensor& t, const AttrReader& a) {
  Shape declared = a.ints("shape");
  bool ok = t.rank() == int(declared.size()) && t.dtype() == parseDType(a.s("dtype"));
  for (size_t i = 0; ok && i < declared.size(); ++i) ok = declared[i] < 0 || declared[i] == t.shape()[i];
  if (!ok)
    throw Error("input '" + a.node().name + "' expects " + a.s("dtype") + shapeToString(declared) + ", got " +
                dtypeName(t.dtype()) + shapeToString(t.shape()));
}

const OpSpec& inputOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = "Input";
    s.category = "Graph";
    s.caption = "Input";
    s.doc = "A graph input. Its data for previews is fed, set, or random normal with a seed.";
    s.pseudo = true;
    s.outputs = {in("output")};
    s.attrs = {
        attrInts("shape", std::vector<int64_t>{1, 3, 64, 64}, "dimensions; -1 marks a dynamic one"),
        attrString("dtype", "float32", {"float32", "int64"}),
        attrInt("seed", 0, 0, 1e18, "seed of the random preview data"),
        attrTensor("value", "preview data (overrides random)"),
    };
    s.infer = [](const InferContext& ctx) {
      return std::vector<TensorType>{TensorType::of(ctx.attrs.ints("shape"), parseDType(ctx.attrs.s("dtype")))};
    };
    s.reference = [](const AttrReader& a) {
      Shape shape = a.ints("shape");
      std::string dtype = a.s("dtype");
      Tensor value = a.has("value") ? a.tensor("value") : Tensor();
      uint64_t seed = uint64_t(a.i("seed"));
      std::string name = a.node().name;
      // The reader may not outlive the kernel: capture values only.
      struct K : Kernel {
        Shape shape;
        std::string dtype, name;
        Tensor value;
        uint64_t seed;
        std::vector<Tensor> compute(std::span<const Tensor> in) const override {
          if (!in.empty() && !in.back().empty()) return {in.back()};
          if (!value.empty()) return {value};
          for (int64_t d : shape)
            if (d < 0)
              throw Error("input '" + name + "' has a dynamic shape " + shapeToString(shape) +
                          "; give it data or a fixed shape");
          if (dtype == "int64") return {Tensor(DType::Int64, shape)};
          return {randomNormal(shape, seed)};
        }
      };
      auto k = std::make_unique<K>();
      k->shape = shape;
      k->dtype = dtype;
      k->name = name;
      k->value = value;
      k->seed = seed;
      if (!value.empty()) checkAgainstDeclared(value, a);
      return std::unique_ptr<Kernel>(std::move(k));
    };
    return s;
  }();
  return spec;
}

const OpSpec& outputOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = "Output";
    s.category = "Graph";
    s.caption = "Output";
    s.doc = "A graph output, named after the node.";
    s.pseudo = true;
    s.inputs = {in("value")};
    s.infer = [](const InferContext&) { return std::vector<TensorType>{}; };
    s.reference = [](const AttrReader&) {
      return makeKernel([](std::span<const Tensor>) { return std::vector<Tensor>{}; });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
