#include "core/onnx/export.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/error.h"
#include "core/base/file_io.h"
#include "core/eval/shape_inference.h"
#include "core/onnx/functions.h"
#include "core/onnx/proto_util.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

namespace {

void setValueInfo(onnx::ValueInfoProto* vi, const std::string& name, const TensorType& t) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(t.dtype == DType::Float32 ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
  if (!t.rankKnown) return;
  auto* sh = tt->mutable_shape();
  for (size_t i = 0; i < t.dims.size(); ++i) {
    auto* d = sh->add_dim();
    if (t.dims[i] >= 0) d->set_dim_value(t.dims[i]);
    else d->set_dim_param(name + "_dim" + std::to_string(i));
  }
}

class Exporter : public ExportContext {
 public:
  Exporter(const Graph& g, const ExportOptions& opt) : g_(g), opt_(opt) {}

  onnx::ModelProto build() {
    if (opt_.opset < 13 || opt_.opset > proto::kMaxOpset)
      throw Error("opset " + std::to_string(opt_.opset) + " is not supported for export (use 17 or 18)");
    shapes_ = inferShapes(g_);
    const ShapeInfo& shapes = shapes_;
    if (!shapes.diagnostics.empty()) throw Error("the graph has errors: " + shapes.diagnostics.front().message);
    model_.set_ir_version(opt_.opset >= 18 ? 8 : 8);
    model_.set_producer_name("NetCanvas");
    model_.set_producer_version("0.1");
    auto* os = model_.add_opset_import();
    os->set_domain("");
    os->set_version(opt_.opset);
    graph_ = model_.mutable_graph();
    graph_->set_name(opt_.graphName);

    if (g_.outputNodes().empty()) throw Error("the graph has no Output node: nothing to export");
    // Value names: Input nodes by name; an output port feeding an Output node takes that name.
    for (NodeId id : g_.outputNodes()) {
      const Node& o = g_.node(id);
      if (!o.inputs[0].source) throw Error("output '" + o.name + "' is not connected");
      if (!valueNames_.count(*o.inputs[0].source) && g_.node(o.inputs[0].source->node).op != "Input")
        valueNames_[*o.inputs[0].source] = o.name;
    }
    for (NodeId id : g_.topologicalOrder()) {
      const Node& n = g_.node(id);
      if (n.op == "Input") {
        valueNames_[{id, 0}] = n.name;
        const TensorType* t = shapes.type({id, 0});
        setValueInfo(graph_->add_input(), n.name, t ? *t : TensorType::unknown());
        continue;
      }
      if (n.op == "Output") continue;
      const OpSpec* spec = findOp(n.op);
      node_ = &n;
      AttrReader reader(*spec, nodeInfo(n));
      if (spec->exportOnnx) {
        spec->exportOnnx(*this, reader);
      } else {
        std::vector<std::string> ins, outs;
        for (int i = 0; i < numInputs(); ++i) ins.push_back(input(i));
        while (!ins.empty() && ins.back().empty()) ins.pop_back();
        for (int p = 0; p < n.numOutputs; ++p) outs.push_back(output(p));
        std::vector<std::pair<std::string, AttrValue>> attrs(n.attrs.begin(), n.attrs.end());
        addNode(spec->onnxType, ins, outs, attrs);
      }
    }
    for (NodeId id : g_.outputNodes()) {
      const Node& o = g_.node(id);
      PortRef src = *o.inputs[0].source;
      std::string v = valueName(src);
      if (v != o.name) {  // e.g. Input -> Output, or one port feeding two outputs
        auto* nd = graph_->add_node();
        nd->set_op_type("Identity");
        nd->set_name(o.name + "_identity");
        nd->add_input(v);
        nd->add_output(o.name);
      }
      const TensorType* t = shapes.type(src);
      setValueInfo(graph_->add_output(), o.name, t ? *t : TensorType::unknown());
    }
    origins_.resize(size_t(graph_->node_size()), kNoNode);
    return model_;
  }

  // The graph node each ONNX node of the built model came from (kNoNode: added for an output).
  const std::vector<NodeId>& origins() const { return origins_; }

  // ExportContext
  using ExportContext::addNode;
  int numInputs() const override { return int(node_->inputs.size()); }
  std::string input(int i) const override {
    const InputBinding& b = node_->inputs.at(size_t(i));
    if (b.source) return valueName(*b.source);
    if (b.constant.empty()) return "";
    return const_cast<Exporter*>(this)->initializerFor(b.constant, i);
  }
  std::string output(int i) const override { return valueName({node_->id, i}); }
  std::string tempName(const std::string& hint) override { return node_->name + "/" + hint; }
  void addNode(const std::string& opType, const std::vector<std::string>& inputs,
               const std::vector<std::string>& outputs, const std::vector<std::pair<std::string, AttrValue>>& attrs,
               const std::string& nameSuffix) override {
    auto* nd = graph_->add_node();
    origins_.resize(size_t(graph_->node_size()) - 1, kNoNode);
    origins_.push_back(node_->id);
    nd->set_op_type(opType);
    nd->set_name(node_->name + nameSuffix);
    for (auto& s : inputs) nd->add_input(s);
    for (auto& s : outputs) nd->add_output(s);
    for (auto& [k, v] : attrs) proto::attrToProto(k, v, nd->add_attribute());
  }
  void addInitializer(const std::string& name, const Tensor& t) override {
    proto::tensorToProto(t, name, graph_->add_initializer());
  }
  int opset() const override { return opt_.opset; }
  std::optional<TensorType> inputType(int i) const override {
    if (i < 0 || i >= numInputs()) return std::nullopt;
    return shapes_.inputType(g_, {node_->id, i});
  }

 private:
  std::string valueName(PortRef p) const {
    auto it = valueNames_.find(p);
    if (it != valueNames_.end()) return it->second;
    const Node& n = g_.node(p.node);
    return n.numOutputs == 1 ? n.name : n.name + ":" + std::to_string(p.port);
  }
  std::string initializerFor(const Tensor& t, int port) {
    for (auto& [tensor, name] : initializers_)
      if (tensor.sharesStorageWith(t) && tensor.shape() == t.shape() && tensor.dtype() == t.dtype()) return name;
    const OpSpec* spec = findOp(node_->op);
    const auto& ports = spec->inputs;
    std::string portName = ports[std::min(size_t(port), ports.size() - 1)].name;
    if (size_t(port) >= ports.size() - 1 && !ports.empty() && ports.back().variadic) portName += std::to_string(port);
    std::string name = node_->name + "." + portName;
    addInitializer(name, t);
    initializers_.emplace_back(t, name);
    return name;
  }

  const Graph& g_;
  ExportOptions opt_;
  ShapeInfo shapes_;
  onnx::ModelProto model_;
  onnx::GraphProto* graph_ = nullptr;
  const Node* node_ = nullptr;
  std::map<PortRef, std::string> valueNames_;
  std::vector<std::pair<Tensor, std::string>> initializers_;
  std::vector<NodeId> origins_;
};

}  // namespace

std::string exportModelBytes(const Graph& g, const ExportOptions& opt, ValidationReport* report) {
  Exporter ex(g, opt);
  onnx::ModelProto model = ex.build();
  if (opt.functions) buildFunctions(g, model, ex.origins(), opt.opset);
  std::string bytes = proto::serialize(model);
  // Validation runs on a parsed copy: it may annotate value_info, and the export stays minimal.
  ValidationReport r = validateOwnModelBytes(bytes);
  if (report) *report = r;
  return bytes;
}

void exportModel(const Graph& g, const std::string& path, const ExportOptions& opt, ValidationReport* report) {
  writeFileAtomic(path, exportModelBytes(g, opt, report));
}

}  // namespace nc
