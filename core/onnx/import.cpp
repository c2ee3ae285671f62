#include "core/onnx/import.h"

#include <algorithm>
#include <map>
#include <vector>

#include "core/base/error.h"
#include "core/base/file_io.h"
#include "core/onnx/inline.h"
#include "core/onnx/proto_util.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

namespace {

TensorType typeFromValueInfo(const onnx::ValueInfoProto& vi) {
  TensorType t;
  if (!vi.type().has_tensor_type()) throw Error("graph input '" + vi.name() + "' is not a tensor");
  auto et = vi.type().tensor_type().elem_type();
  if (et == onnx::TensorProto::FLOAT) t.dtype = DType::Float32;
  else if (et == onnx::TensorProto::INT64 || et == onnx::TensorProto::INT32) t.dtype = DType::Int64;
  else
    throw Error("graph input '" + vi.name() + "' has element type " + std::to_string(et) +
                "; only float32 and int64 are supported");
  if (vi.type().tensor_type().has_shape()) {
    t.rankKnown = true;
    for (auto& d : vi.type().tensor_type().shape().dim()) t.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  return t;
}

// Builds the graph of one model in phases: the opsets it declares, its graph inputs, its Output
// nodes, every node of the flat (functions inlined) graph in order, and the outputs' sources.
class Importer {
 public:
  Importer(const onnx::ModelProto& m, Graph& g, const ImportOptions& opt)
      : m_(m), gp_(m.graph()), g_(g), inliner_(m, &g, opt.blockTypeOf) {}

  void run() {
    opset_ = checkOpsets();
    for (auto& t : gp_.initializer()) inits_[t.name()] = proto::tensorFromProto(t);
    addInputs();
    addOutputNodes();
    int index = 0;
    for (const FlatNode& flat : inliner_.run(gp_)) addNode(flat, ++index);
    connectOutputs();
  }

 private:
  // The ai.onnx opset; refuses other domains (but ai.onnx.ml and the model's function domains).
  int checkOpsets() const {
    int opset = -1;
    for (auto& o : m_.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
      else if (o.domain() != "ai.onnx.ml" && !inliner_.hasDomain(o.domain()))
        throw Error("the model uses operator domain '" + o.domain() + "', which is not supported");
    }
    if (opset < 0) throw Error("the model declares no ai.onnx opset");
    if (opset > proto::kMaxOpset)
      throw Error("the model uses opset " + std::to_string(opset) + "; NetCanvas imports opsets up to " +
                  std::to_string(proto::kMaxOpset));
    return opset;
  }

  void addInputs() {
    for (auto& vi : gp_.input()) {
      if (inits_.count(vi.name())) continue;  // old-style: initializers listed as inputs
      TensorType t = typeFromValueInfo(vi);
      NodeId id = g_.addNode("Input", vi.name());
      if (g_.node(id).name != vi.name()) throw Error("duplicate graph input name '" + vi.name() + "'");
      Shape dims = t.rankKnown ? t.dims : Shape{};
      g_.setAttr(id, "shape", dims);
      g_.setAttr(id, "dtype", std::string(dtypeName(t.dtype)));
      values_[vi.name()] = {id, 0};
    }
  }

  // Output nodes are created up front so that they keep their exact names.
  void addOutputNodes() {
    for (auto& vi : gp_.output()) {
      NodeId id = g_.addNode("Output", vi.name());
      if (g_.node(id).name != vi.name()) throw Error("duplicate graph output name '" + vi.name() + "'");
      outs_.push_back(id);
    }
  }

  // The spec of a supported op at the model's opset; `what` names the node in errors.
  const OpSpec& specFor(const onnx::NodeProto& np, const std::string& what) const {
    if (!np.domain().empty() && np.domain() != "ai.onnx")
      throw Error(what + (inliner_.hasDomain(np.domain())
                              ? ": the model defines no function '" + np.op_type() + "' in domain '" + np.domain() + "'"
                              : ": operator domain '" + np.domain() + "' is not supported"));
    const OpSpec* spec = findOpByOnnxType(np.op_type());
    if (!spec) throw Error(what + ": operator '" + np.op_type() + "' is not supported");
    if (opset_ < spec->minImportOpset)
      throw Error(what + ": " + np.op_type() + " at opset " + std::to_string(opset_) +
                  " is not supported (NetCanvas imports it from opset " + std::to_string(spec->minImportOpset) + ")");
    return *spec;
  }

  // The node as the op's ImportFn sees and rewrites it; its attributes checked against the spec.
  ImportedNode importedNode(const onnx::NodeProto& np, const std::string& label, const std::string& what,
                            const OpSpec& spec) const {
    ImportedNode in;
    in.opType = np.op_type();
    in.name = label;
    in.opset = opset_;
    in.numInputs = np.input_size();
    in.numOutputs = np.output_size();
    for (auto& a : np.attribute()) in.attrs[a.name()] = proto::attrFromProto(a, what);
    if (spec.importOnnx) spec.importOnnx(in);
    for (auto& [k, v] : in.attrs) {
      const AttrSpec* as = spec.findAttr(k);
      if (!as || as->internal) throw Error(what + ": attribute '" + k + "' is not supported");
      if (attrTypeOf(v) != as->type)
        throw Error(what + ": attribute '" + k + "' should be " + attrTypeName(as->type) + ", got " +
                    attrTypeName(attrTypeOf(v)));
    }
    return in;
  }

  void addNode(const FlatNode& flat, int index) {
    const onnx::NodeProto& np = flat.proto;
    std::string label = np.name().empty() ? np.op_type() + " #" + std::to_string(index) : np.name();
    std::string what = "node '" + label + "' (" + np.op_type() + ")";
    const OpSpec& spec = specFor(np, what);
    const ImportedNode in = importedNode(np, label, what, spec);
    NodeId id = g_.addNode(spec.type, label);
    if (flat.block != kNoBlock) g_.setNodeBlock(id, flat.block);
    sizeInputs(id, np, in, spec, what);
    for (auto& [k, v] : in.attrs) g_.setAttr(id, k, v);
    connectInputs(id, np, in, what);
    exposeOutputs(id, np, spec, what);
  }

  // Our port for ONNX input i (an ImportFn may remap an older layout); unmapped extras overflow.
  int portOf(NodeId id, const ImportedNode& in, int i) const {
    if (in.inputPorts.empty()) return i;
    return i < int(in.inputPorts.size()) ? in.inputPorts[size_t(i)] : int(g_.node(id).inputs.size());
  }

  // A variadic op gets as many input ports as the ONNX node uses; others must have enough.
  void sizeInputs(NodeId id, const onnx::NodeProto& np, const ImportedNode& in, const OpSpec& spec,
                  const std::string& what) {
    bool variadic = !spec.inputs.empty() && spec.inputs.back().variadic;
    int nin = int(np.input_size());
    int nports = 0;
    for (int i = 0; i < nin; ++i) nports = std::max(nports, portOf(id, in, i) + 1);
    if (variadic) g_.setInputCount(id, std::max<int>(nports, int(spec.inputs.size())));
    else if (nports > int(g_.node(id).inputs.size()))
      throw Error(what + " has " + std::to_string(nin) + " inputs; at most " +
                  std::to_string(g_.node(id).inputs.size()) + " are supported");
  }

  // Each input from the value of its name: an earlier node's output or graph input, else an
  // initializer (a constant of the port).
  void connectInputs(NodeId id, const onnx::NodeProto& np, const ImportedNode& in, const std::string& what) {
    for (int i = 0; i < np.input_size(); ++i) {
      const std::string& vn = np.input(i);
      const int port = portOf(id, in, i);
      if (vn.empty() || port < 0) continue;
      if (auto it = values_.find(vn); it != values_.end()) g_.connect(it->second, {id, port});
      else if (auto jt = inits_.find(vn); jt != inits_.end()) g_.setConstant(id, port, jt->second);
      else throw Error(what + ": input '" + vn + "' is not produced by any earlier node, input or initializer");
    }
  }

  // Optional trailing outputs (MaxPool Indices, BatchNorm training statistics) and variadic ones
  // (Split): expose as many ports as the ONNX node uses; trailing "" outputs are absent.
  void exposeOutputs(NodeId id, const onnx::NodeProto& np, const OpSpec& spec, const std::string& what) {
    int usedOutputs = np.output_size();
    while (usedOutputs > 0 && np.output(usedOutputs - 1).empty()) --usedOutputs;
    const bool variadicOut = !spec.outputs.empty() && spec.outputs.back().variadic;
    if (usedOutputs != g_.node(id).numOutputs && usedOutputs >= 1 &&
        (variadicOut || usedOutputs <= int(spec.outputs.size())))
      g_.setOutputCount(id, usedOutputs);
    if (usedOutputs > g_.node(id).numOutputs)
      throw Error(what + " has " + std::to_string(np.output_size()) + " outputs; " +
                  std::to_string(g_.node(id).numOutputs) + " are supported");
    for (int p = 0; p < np.output_size(); ++p)
      if (!np.output(p).empty()) values_[np.output(p)] = {id, p};
  }

  // Each Output node is fed by the value of its name (an initializer: through an Identity).
  void connectOutputs() {
    for (size_t i = 0; i < outs_.size(); ++i) {
      const std::string& vn = gp_.output(int(i)).name();
      auto it = values_.find(vn);
      if (it == values_.end()) {
        auto jt = inits_.find(vn);
        if (jt == inits_.end()) throw Error("graph output '" + vn + "' is not produced by any node");
        NodeId c = g_.addNode("Identity", vn + "_value");
        g_.setConstant(c, 0, jt->second);
        it = values_.emplace(vn, PortRef{c, 0}).first;
      }
      g_.connect(it->second, {outs_[i], 0});
    }
  }

  const onnx::ModelProto& m_;
  const onnx::GraphProto& gp_;
  Graph& g_;
  Inliner inliner_;
  int opset_ = -1;
  std::map<std::string, Tensor> inits_;
  std::map<std::string, PortRef> values_;
  std::vector<NodeId> outs_;
};

}  // namespace

Graph importModelBytes(const std::string& bytes, const ImportOptions& opt) {
  onnx::ModelProto m = proto::parseModel(bytes);
  Graph g;
  Importer(m, g, opt).run();
  return g;
}

Graph importModel(const std::string& path, const ImportOptions& opt) {
  try {
    return importModelBytes(readFileBytes(path), opt);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace nc
