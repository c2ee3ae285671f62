#include "core/onnx_io.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "core/blocks/recognize.h"
#include "core/error.h"
#include "core/op.h"
#include "core/ops/registry.h"
#include "core/shape_inference.h"

namespace nc {

namespace {

constexpr int kMaxOpset = 18;

// ---------------------------------------------------------------- tensors

Tensor fromProto(const onnx::TensorProto& p) {
  const std::string what = p.name().empty() ? std::string("tensor") : "tensor '" + p.name() + "'";
  if (p.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(what + " uses external data, which is not supported");
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape)
    if (d < 0) throw Error(what + " has a negative dimension");
  int64_t n = shapeNumel(shape);
  switch (p.data_type()) {
    case onnx::TensorProto::FLOAT: {
      Tensor t(DType::Float32, shape);
      if (p.has_raw_data()) {
        if (p.raw_data().size() != size_t(n) * 4)
          throw Error(what + ": raw data has " + std::to_string(p.raw_data().size()) + " bytes, shape " +
                      shapeToString(shape) + " needs " + std::to_string(n * 4));
        std::memcpy(t.raw(), p.raw_data().data(), size_t(n) * 4);
      } else {
        if (p.float_data_size() != n) throw Error(what + ": float_data has the wrong number of values");
        std::copy(p.float_data().begin(), p.float_data().end(), t.f32());
      }
      return t;
    }
    case onnx::TensorProto::INT64: {
      Tensor t(DType::Int64, shape);
      if (p.has_raw_data()) {
        if (p.raw_data().size() != size_t(n) * 8) throw Error(what + ": raw data size does not match its shape");
        std::memcpy(t.raw(), p.raw_data().data(), size_t(n) * 8);
      } else {
        if (p.int64_data_size() != n) throw Error(what + ": int64_data has the wrong number of values");
        std::copy(p.int64_data().begin(), p.int64_data().end(), t.i64());
      }
      return t;
    }
    case onnx::TensorProto::INT32: {  // widened to int64 (shape-like data)
      Tensor t(DType::Int64, shape);
      if (p.has_raw_data()) {
        if (p.raw_data().size() != size_t(n) * 4) throw Error(what + ": raw data size does not match its shape");
        const char* src = p.raw_data().data();
        for (int64_t i = 0; i < n; ++i) {
          int32_t v;
          std::memcpy(&v, src + i * 4, 4);
          t.i64()[i] = v;
        }
      } else {
        if (p.int32_data_size() != n) throw Error(what + ": int32_data has the wrong number of values");
        std::copy(p.int32_data().begin(), p.int32_data().end(), t.i64());
      }
      return t;
    }
    default:
      throw Error(what + " has ONNX data type " + std::to_string(p.data_type()) +
                  "; only float32 and int64 (and int32, widened) are supported");
  }
}

void toProto(const Tensor& t, const std::string& name, onnx::TensorProto* p) {
  p->set_name(name);
  for (int64_t d : t.shape()) p->add_dims(d);
  p->set_data_type(t.dtype() == DType::Float32 ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
  p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.bytes()));
}

// ---------------------------------------------------------------- attributes

void attrToProto(const std::string& name, const AttrValue& v, onnx::AttributeProto* a) {
  a->set_name(name);
  struct V {
    onnx::AttributeProto* a;
    void operator()(int64_t x) { a->set_type(onnx::AttributeProto::INT), a->set_i(x); }
    void operator()(float x) { a->set_type(onnx::AttributeProto::FLOAT), a->set_f(x); }
    void operator()(const std::string& s) { a->set_type(onnx::AttributeProto::STRING), a->set_s(s); }
    void operator()(const std::vector<int64_t>& xs) {
      a->set_type(onnx::AttributeProto::INTS);
      for (auto x : xs) a->add_ints(x);
    }
    void operator()(const std::vector<float>& xs) {
      a->set_type(onnx::AttributeProto::FLOATS);
      for (auto x : xs) a->add_floats(x);
    }
    void operator()(const Tensor& t) {
      a->set_type(onnx::AttributeProto::TENSOR);
      toProto(t, "", a->mutable_t());
    }
  };
  std::visit(V{a}, v);
}

AttrValue attrFromProto(const onnx::AttributeProto& a, const std::string& nodeWhat) {
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::TENSOR: return fromProto(a.t());
    case onnx::AttributeProto::SPARSE_TENSOR:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' is a sparse tensor; sparse tensors are not supported");
    case onnx::AttributeProto::STRINGS:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' is a list of strings; string data is not supported");
    default:
      throw Error(nodeWhat + ": attribute '" + a.name() + "' has an unsupported type (" +
                  std::to_string(int(a.type())) + ")");
  }
}

// ---------------------------------------------------------------- export

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
    if (opt_.opset < 13 || opt_.opset > kMaxOpset)
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
      AttrReader reader(*spec, n);
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
    return model_;
  }

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
    nd->set_op_type(opType);
    nd->set_name(node_->name + nameSuffix);
    for (auto& s : inputs) nd->add_input(s);
    for (auto& s : outputs) nd->add_output(s);
    for (auto& [k, v] : attrs) attrToProto(k, v, nd->add_attribute());
  }
  void addInitializer(const std::string& name, const Tensor& t) override {
    toProto(t, name, graph_->add_initializer());
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
};

std::string serialize(const google::protobuf::MessageLite& m) {
  std::string out;
  if (!m.SerializeToString(&out)) throw Error("could not serialize the ONNX model");
  return out;
}

onnx::ModelProto parseModel(const std::string& bytes) {
  onnx::ModelProto m;
  if (bytes.empty()) throw Error("the file is empty, not an ONNX model");
  if (!m.ParseFromString(bytes)) throw Error("not a valid ONNX model (the protobuf data is malformed or truncated)");
  if (!m.has_graph()) throw Error("not a valid ONNX model (it has no graph)");
  return m;
}

ValidationReport validate(onnx::ModelProto& model) {
  ValidationReport r;
  int opset = 0;
  for (auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
  if (opset > 17) {
    r.notes.push_back("libonnx 1.12 knows operator schemas up to opset 17: the checker and shape inference "
                      "were not run for opset " + std::to_string(opset) + " (ONNX Runtime validates it in tests)");
    return r;
  }
  try {
    onnx::checker::check_model(model);
    r.checkerRun = true;
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions{true, 1, false});
    r.shapeInferenceRun = true;
  } catch (const std::exception& e) {
    throw Error(std::string(r.checkerRun ? "ONNX shape inference failed: " : "ONNX checker failed: ") + e.what());
  }
  return r;
}

// ---------------------------------------------------------------- import

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

void recognizeSilu(Graph& g) {
  for (NodeId sid : g.nodeIds()) {
    if (!g.contains(sid)) continue;
    const Node& s = g.node(sid);
    if (s.op != "Sigmoid" || !s.inputs[0].source) continue;
    PortRef x = *s.inputs[0].source;
    auto uses = g.consumers({sid, 0});
    if (uses.size() != 1) continue;
    const Node& m = g.node(uses[0].node);
    if (m.op != "Mul" || m.inputs.size() != 2 || !m.inputs[0].source || !m.inputs[1].source) continue;
    int other = 1 - uses[0].port;
    if (*m.inputs[size_t(other)].source != x) continue;
    NodeId mid = m.id;
    std::string name = m.name;
    double px = m.x, py = m.y;
    auto downstream = g.consumers({mid, 0});
    g.removeNode(mid);
    g.removeNode(sid);
    NodeId silu = g.addNode("SiLU", name);
    g.setPosition(silu, px, py);
    g.connect(x, {silu, 0});
    for (PortRef d : downstream) g.connect({silu, 0}, d);
  }
}

}  // namespace

// ---------------------------------------------------------------- public API

std::string exportModelBytes(const Graph& g, const ExportOptions& opt, ValidationReport* report) {
  Exporter ex(g, opt);
  onnx::ModelProto model = ex.build();
  std::string bytes = serialize(model);
  onnx::ModelProto copy = model;  // validation may annotate value_info; export stays minimal
  ValidationReport r = validate(copy);
  if (report) *report = r;
  return bytes;
}

void exportModel(const Graph& g, const std::string& path, const ExportOptions& opt, ValidationReport* report) {
  writeFileAtomic(path, exportModelBytes(g, opt, report));
}

ValidationReport validateModelBytes(const std::string& bytes) {
  onnx::ModelProto m = parseModel(bytes);
  return validate(m);
}

Graph importModelBytes(const std::string& bytes, const ImportOptions& opt) {
  onnx::ModelProto m = parseModel(bytes);
  int opset = -1;
  for (auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
    else if (o.domain() != "ai.onnx.ml")
      throw Error("the model uses operator domain '" + o.domain() + "', which is not supported");
  }
  if (opset < 0) throw Error("the model declares no ai.onnx opset");
  if (opset > kMaxOpset)
    throw Error("the model uses opset " + std::to_string(opset) + "; NetCanvas imports opsets up to " +
                std::to_string(kMaxOpset));
  const onnx::GraphProto& gp = m.graph();
  Graph g;
  std::map<std::string, Tensor> inits;
  for (auto& t : gp.initializer()) inits[t.name()] = fromProto(t);
  std::map<std::string, PortRef> values;

  for (auto& vi : gp.input()) {
    if (inits.count(vi.name())) continue;  // old-style: initializers listed as inputs
    TensorType t = typeFromValueInfo(vi);
    NodeId id = g.addNode("Input", vi.name());
    if (g.node(id).name != vi.name()) throw Error("duplicate graph input name '" + vi.name() + "'");
    Shape dims = t.rankKnown ? t.dims : Shape{};
    g.setAttr(id, "shape", dims);
    g.setAttr(id, "dtype", std::string(dtypeName(t.dtype)));
    values[vi.name()] = {id, 0};
  }
  // Output nodes are created up front so that they keep their exact names.
  std::vector<NodeId> outs;
  for (auto& vi : gp.output()) {
    NodeId id = g.addNode("Output", vi.name());
    if (g.node(id).name != vi.name()) throw Error("duplicate graph output name '" + vi.name() + "'");
    outs.push_back(id);
  }

  int index = 0;
  for (auto& np : gp.node()) {
    ++index;
    std::string label = np.name().empty() ? np.op_type() + " #" + std::to_string(index) : np.name();
    std::string what = "node '" + label + "' (" + np.op_type() + ")";
    if (!np.domain().empty() && np.domain() != "ai.onnx")
      throw Error(what + ": operator domain '" + np.domain() + "' is not supported");
    const OpSpec* spec = findOpByOnnxType(np.op_type());
    if (!spec) throw Error(what + ": operator '" + np.op_type() + "' is not supported");
    if (opset < spec->minImportOpset)
      throw Error(what + ": " + np.op_type() + " at opset " + std::to_string(opset) +
                  " is not supported (NetCanvas imports it from opset " + std::to_string(spec->minImportOpset) + ")");
    ImportedNode in;
    in.opType = np.op_type();
    in.name = label;
    in.opset = opset;
    in.numInputs = np.input_size();
    in.numOutputs = np.output_size();
    for (auto& a : np.attribute()) in.attrs[a.name()] = attrFromProto(a, what);
    if (spec->importOnnx) spec->importOnnx(in);
    for (auto& [k, v] : in.attrs) {
      const AttrSpec* as = spec->findAttr(k);
      if (!as || as->internal) throw Error(what + ": attribute '" + k + "' is not supported");
      if (attrTypeOf(v) != as->type)
        throw Error(what + ": attribute '" + k + "' should be " + attrTypeName(as->type) + ", got " +
                    attrTypeName(attrTypeOf(v)));
    }
    NodeId id = g.addNode(spec->type, label);
    bool variadic = !spec->inputs.empty() && spec->inputs.back().variadic;
    int nin = int(np.input_size());
    // ONNX input i -> our port (an ImportFn may remap an older layout); unmapped extras overflow.
    auto portOf = [&](int i) {
      if (in.inputPorts.empty()) return i;
      return i < int(in.inputPorts.size()) ? in.inputPorts[size_t(i)] : int(g.node(id).inputs.size());
    };
    int nports = 0;
    for (int i = 0; i < nin; ++i) nports = std::max(nports, portOf(i) + 1);
    if (variadic) g.setInputCount(id, std::max<int>(nports, int(spec->inputs.size())));
    else if (nports > int(g.node(id).inputs.size()))
      throw Error(what + " has " + std::to_string(nin) + " inputs; at most " +
                  std::to_string(g.node(id).inputs.size()) + " are supported");
    for (auto& [k, v] : in.attrs) g.setAttr(id, k, v);
    for (int i = 0; i < nin; ++i) {
      const std::string& vn = np.input(i);
      const int port = portOf(i);
      if (vn.empty() || port < 0) continue;
      if (auto it = values.find(vn); it != values.end()) g.connect(it->second, {id, port});
      else if (auto jt = inits.find(vn); jt != inits.end()) g.setConstant(id, port, jt->second);
      else throw Error(what + ": input '" + vn + "' is not produced by any earlier node, input or initializer");
    }
    // Optional trailing outputs (MaxPool Indices, BatchNorm training statistics) and variadic
    // ones (Split): expose as many ports as the ONNX node uses; trailing "" outputs are absent.
    int usedOutputs = np.output_size();
    while (usedOutputs > 0 && np.output(usedOutputs - 1).empty()) --usedOutputs;
    const bool variadicOut = !spec->outputs.empty() && spec->outputs.back().variadic;
    if (usedOutputs != g.node(id).numOutputs && usedOutputs >= 1 &&
        (variadicOut || usedOutputs <= int(spec->outputs.size())))
      g.setOutputCount(id, usedOutputs);
    if (usedOutputs > g.node(id).numOutputs)
      throw Error(what + " has " + std::to_string(np.output_size()) + " outputs; " +
                  std::to_string(g.node(id).numOutputs) + " are supported");
    for (int p = 0; p < np.output_size(); ++p)
      if (!np.output(p).empty()) values[np.output(p)] = {id, p};
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    const std::string& vn = gp.output(int(i)).name();
    auto it = values.find(vn);
    if (it == values.end()) {
      auto jt = inits.find(vn);
      if (jt == inits.end()) throw Error("graph output '" + vn + "' is not produced by any node");
      NodeId c = g.addNode("Identity", vn + "_value");
      g.setConstant(c, 0, jt->second);
      it = values.emplace(vn, PortRef{c, 0}).first;
    }
    g.connect(it->second, {outs[i], 0});
  }
  if (opt.recognizeSilu && findOp("SiLU")) recognizeSilu(g);
  if (opt.recognizeBlocks) blocks::recognizeBlocks(g);
  return g;
}

Graph importModel(const std::string& path, const ImportOptions& opt) {
  try {
    return importModelBytes(readFileBytes(path), opt);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

Tensor tensorFromProtoBytes(const std::string& bytes) {
  onnx::TensorProto p;
  if (!p.ParseFromString(bytes)) throw Error("not a valid ONNX TensorProto (malformed or truncated)");
  return fromProto(p);
}

std::string tensorToProtoBytes(const Tensor& t, const std::string& name) {
  onnx::TensorProto p;
  toProto(t, name, &p);
  return serialize(p);
}

Tensor readTensorFile(const std::string& path) {
  try {
    return tensorFromProtoBytes(readFileBytes(path));
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

void writeTensorFile(const std::string& path, const Tensor& t, const std::string& name) {
  writeFileAtomic(path, tensorToProtoBytes(t, name));
}

std::string readFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::string msg = "cannot open '";
    msg += path;
    msg += "' for reading";
    throw Error(msg);
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void writeFileAtomic(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string leaf = ".";
  leaf += target.filename().string();
  leaf += ".XXXXXX";
  std::string tmpl = (dir / leaf).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) throw Error("cannot write '" + path + "': " + std::strerror(errno));
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(buf.data());
      throw Error("cannot write '" + path + "': " + std::strerror(err));
    }
    off += size_t(w);
  }
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  fs::rename(buf.data(), target, ec);
  if (ec) {
    ::unlink(buf.data());
    throw Error("cannot write '" + path + "': " + ec.message());
  }
}

}  // namespace nc
