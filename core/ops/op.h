#pragma once
// An op is one declarative OpSpec: ONNX name and version, ports, attributes with defaults and
// ranges, shape inference, a naive reference kernel, an optional fast kernel, and its ONNX
// mapping. Each op lives in core/ops/<op>.{h,cpp}; core/ops/registry.cpp lists them all.
#include <functional>
#include <map>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/tensor/attr.h"
#include "core/base/error.h"
#include "core/tensor/tensor.h"

namespace nc {

struct OpSpec;

struct PortSpec {
  std::string name;         // ONNX input/output name (X, W, B, scale, ...)
  bool optional = false;    // may stay unbound
  bool variadic = false;    // last port only: repeats (Concat inputs, Split outputs)
  bool param = false;       // weight-like: usually a constant owned by the node
  bool buffer = false;      // a param that is state, not trained (BatchNorm running statistics)
  bool setting = false;     // a param that configures the op (shape, axes, scales): not a weight
  std::string doc;
};

// Port constructors: in("X"), param("W") (a weight, usually node-owned), optionalIn("B"),
// variadicIn("inputs") (last port only).
PortSpec in(std::string name, std::string doc = {});
PortSpec param(std::string name, bool optional = false, std::string doc = {});
PortSpec optionalIn(std::string name, std::string doc = {});
PortSpec variadicIn(std::string name, std::string doc = {});
PortSpec buffer(std::string name, std::string doc = {});  // param() that is not trained
// A param that configures the op (Reshape's shape, Resize's scales, Slice's starts, ...):
// usually a node-owned constant, never counted as a model parameter.
PortSpec setting(std::string name, bool optional = false, std::string doc = {});
// For OpSpec::outputs: an optional trailing output (a node exposes it after Graph::setOutputCount).
PortSpec optionalOut(std::string name, std::string doc = {});

struct AttrSpec {
  std::string name;  // ONNX attribute name
  AttrType type;
  std::optional<AttrValue> defaultValue;  // nullopt: no default (required or "absent")
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // for strings (auto_pad, mode, ...)
  std::string doc;
  bool internal = false;  // ours, not ONNX's: set by graph rewrites, hidden in the inspector,
                          // refused on import, never written as an ONNX attribute
};

// Marks an attribute as internal (see AttrSpec::internal).
AttrSpec internalAttr(AttrSpec a);

// Attribute constructors with ONNX names and defaults. A nullopt default means "absent unless set".
AttrSpec attrInt(std::string name, std::optional<int64_t> def, double min, double max, std::string doc = {});
AttrSpec attrFloat(std::string name, std::optional<float> def, double min, double max, std::string doc = {});
AttrSpec attrString(std::string name, std::optional<std::string> def, std::vector<std::string> choices,
                    std::string doc = {});
AttrSpec attrInts(std::string name, std::optional<std::vector<int64_t>> def = std::nullopt, std::string doc = {});
AttrSpec attrFloats(std::string name, std::optional<std::vector<float>> def = std::nullopt, std::string doc = {});
AttrSpec attrTensor(std::string name, std::string doc = {});

// What shape inference knows about a value: dtype and, when the rank is known, dims (-1 = unknown).
struct TensorType {
  DType dtype = DType::Float32;
  bool rankKnown = false;
  Shape dims;
  static TensorType unknown(DType t = DType::Float32) { return {t, false, {}}; }
  static TensorType of(Shape s, DType t = DType::Float32) { return {t, true, std::move(s)}; }
  bool fullyKnown() const;
  std::string toString() const;
  bool operator==(const TensorType&) const = default;
};

// What an op sees of its node (ONNX Runtime's OpKernelInfo): name, attributes, output count and,
// per input port, whether it is connected and the node-owned constant if any. Never the graph;
// core/graph/graph.h makes one from a graph node (nodeInfo). Refers to the node's data, so it
// lives no longer than the node.
struct NodeInfo {
  struct Input {
    bool connected = false;
    const Tensor* constant = nullptr;  // node-owned constant (null when connected)
  };
  const std::string& name;
  const std::string& op;
  const std::map<std::string, AttrValue>& attrs;  // explicitly set; defaults live in the spec
  int numOutputs = 1;
  std::vector<Input> inputs;
};

// Reads a node's attributes, falling back to the spec's defaults.
class AttrReader {
 public:
  AttrReader(const OpSpec& spec, NodeInfo node) : spec_(spec), node_(std::move(node)) {}
  bool has(const std::string& name) const;  // explicitly set
  int64_t i(const std::string& name) const;
  float f(const std::string& name) const;
  const std::string& s(const std::string& name) const;
  std::vector<int64_t> ints(const std::string& name) const;
  std::vector<float> floats(const std::string& name) const;
  const Tensor& tensor(const std::string& name) const;
  const AttrValue* get(const std::string& name) const;  // set value or default, null if neither
  const NodeInfo& node() const { return node_; }
  const OpSpec& spec() const { return spec_; }

 private:
  const AttrValue& need(const std::string& name) const;
  const OpSpec& spec_;
  NodeInfo node_;
};

// Thrown by an op's shape function (through InferContext::fail); the engine turns it into a
// per-node diagnostic value.
class ShapeError : public Error {
 public:
  ShapeError(std::string msg, int input = -1) : Error(std::move(msg)), input_(input) {}
  int input() const { return input_; }

 private:
  int input_;
};

class InferContext {
 public:
  InferContext(const OpSpec& spec, NodeInfo node, std::vector<std::optional<TensorType>> inputs,
               std::vector<const Tensor*> values)
      : attrs(spec, std::move(node)), inputs_(std::move(inputs)), values_(std::move(values)) {}
  AttrReader attrs;
  int numInputs() const { return int(inputs_.size()); }
  // nullopt when the port is unbound (unconnected, no constant).
  const std::optional<TensorType>& input(int i) const;
  bool hasInput(int i) const { return i < numInputs() && input(i).has_value(); }
  // The input's value when statically known (a constant, or the output of a Constant node).
  const Tensor* value(int i) const { return i < int(values_.size()) ? values_[size_t(i)] : nullptr; }
  // Fails with an ONNX-style message; `input` names the offending input port (-1: none).
  [[noreturn]] void fail(const std::string& message, int input = -1) const;
  const std::string& nodeName() const { return attrs.node().name; }
  // Publishes a statically known output value (e.g. Shape of a fully known input), so that
  // shape inference downstream (Reshape, Slice, ...) can use it.
  void setValue(int output, Tensor value) const { published_.emplace_back(output, std::move(value)); }
  const std::vector<std::pair<int, Tensor>>& publishedValues() const { return published_; }

 private:
  std::vector<std::optional<TensorType>> inputs_;
  std::vector<const Tensor*> values_;
  mutable std::vector<std::pair<int, Tensor>> published_;
};

using InferFn = std::function<std::vector<TensorType>(const InferContext&)>;

// Kernels are built once per node (attributes parsed in the constructor) and are stateless:
// compute() is const. Unbound optional inputs arrive as empty tensors.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::vector<Tensor> compute(std::span<const Tensor> inputs) const = 0;
};

using KernelFactory = std::function<std::unique_ptr<Kernel>(const AttrReader&)>;

// Export side of the ONNX mapping. Names are ONNX value names.
class ExportContext {
 public:
  virtual ~ExportContext() = default;
  virtual std::string input(int i) const = 0;  // "" when unbound
  virtual int numInputs() const = 0;
  virtual std::string output(int i) const = 0;
  virtual std::string tempName(const std::string& hint) = 0;
  virtual void addNode(const std::string& opType, const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs,
                       const std::vector<std::pair<std::string, AttrValue>>& attrs,
                       const std::string& nameSuffix) = 0;
  void addNode(const std::string& opType, const std::vector<std::string>& inputs,
               const std::vector<std::string>& outputs,
               const std::vector<std::pair<std::string, AttrValue>>& attrs = {}) {
    addNode(opType, inputs, outputs, attrs, std::string());
  }
  virtual void addInitializer(const std::string& name, const Tensor& t) = 0;
  virtual int opset() const = 0;
  // What shape inference knows about input i (nullopt when unbound or not known). Lets an op
  // pick the form of an older opset that needs static sizes (e.g. Split at opset 17).
  virtual std::optional<TensorType> inputType(int i) const {
    (void)i;
    return std::nullopt;
  }
};

using ExportFn = std::function<void(ExportContext&, const AttrReader&)>;

// Import side: the ONNX node already parsed into op type, attributes (ONNX names) and the
// opset in force. The default maps 1:1 onto our op of the same name.
struct ImportedNode {
  std::string opType;
  std::string name;
  std::map<std::string, AttrValue> attrs;
  int numInputs = 0;
  int numOutputs = 0;
  int opset = 17;
  // Where each ONNX input goes: our input port for ONNX input i (-1: dropped). Empty means the
  // same index. Lets an ImportFn map an older input layout (Resize-10: X, scales) onto ours.
  std::vector<int> inputPorts;
};

// May rewrite attributes into our canonical form or reject with a message.
using ImportFn = std::function<void(ImportedNode&)>;

// How an op works on oneDNN's blocked activation layout (core/ops/util/blocked_kernel.h) in the
// evaluator's inference mode, which drives it (core/eval/blocked_layout.h).
enum class BlockedForm {
  None,           // plain inputs only
  Kernel,         // its fast kernel is a BlockedKernel (Conv, the pools)
  Pointwise,      // output element i from input elements i: any layout, when the shapes agree
  ChannelConcat,  // Concat along channels whose counts are block multiples
  ChannelSplit,   // Split along channels into block multiples
  SpatialResize,  // nearest Resize/Upsample of H and W only
};

struct OpSpec {
  std::string type;        // our op type; equals the ONNX op type except for composites (SiLU)
  std::string onnxType;    // ONNX op type this maps from on import ("" = not importable as such)
  int sinceVersion = 1;    // ONNX since-version of the semantics we implement
  int minImportOpset = 1;  // oldest model opset we accept for this op on import
  std::string category;    // palette group: Activation, Normalization, Convolution, ...
  std::string caption;     // short UI caption
  std::string doc;
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<AttrSpec> attrs;
  InferFn infer;
  KernelFactory reference;  // naive oracle; required
  KernelFactory fast;       // optional optimised kernel (falls back to reference)
  ExportFn exportOnnx;      // optional; default writes one node of onnxType with set attributes
  ImportFn importOnnx;      // optional; default copies attributes checked against `attrs`
  bool pseudo = false;      // Input/Output: graph structure, not exported as nodes
  BlockedForm blocked = BlockedForm::None;

  const AttrSpec* findAttr(const std::string& name) const;
};

// Helper for ops whose kernel is a lambda over inputs.
template <class F>
class LambdaKernel : public Kernel {
 public:
  explicit LambdaKernel(F f) : f_(std::move(f)) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override { return f_(in); }

 private:
  F f_;
};
template <class F>
std::unique_ptr<Kernel> makeKernel(F f) {
  return std::make_unique<LambdaKernel<F>>(std::move(f));
}

}  // namespace nc
