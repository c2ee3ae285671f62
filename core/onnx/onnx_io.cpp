#include "core/onnx/onnx_io.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <queue>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"
#include "core/eval/shape_inference.h"

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
  std::vector<NodeId> origins_;
};

// ---------------------------------------------------------------- export: blocks as functions

// stem + k, built by appending (GCC 12 warns falsely on "literal" + std::to_string(k)).
std::string numbered(const char* stem, size_t k) {
  std::string s = stem;
  s += std::to_string(k);
  return s;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Rewrites a flat model (built by Exporter) so that every block of the graph becomes a call of a
// model-local function; see ExportOptions::functions. Blocks are collapsed innermost first, so
// an outer block's body holds the calls of its children.
class FunctionBuilder {
 public:
  FunctionBuilder(const Graph& g, onnx::ModelProto& model, const std::vector<NodeId>& origins, int opset)
      : g_(g), model_(model), opset_(opset) {
    const onnx::GraphProto& gp = model.graph();
    for (int i = 0; i < gp.node_size(); ++i) {
      NodeId o = origins.at(size_t(i));
      items_.push_back({gp.node(i), o == kNoNode ? kNoBlock : g.node(o).block});
    }
    for (auto& o : gp.output()) graphOutputs_.insert(o.name());
  }

  void run() {
    // Innermost first (deepest), then in order of the block's first node: deterministic.
    std::map<BlockId, size_t> first;
    for (size_t i = 0; i < items_.size(); ++i)
      for (BlockId b = items_[i].owner; b != kNoBlock; b = g_.block(b).parent) first.emplace(b, i);
    std::vector<std::tuple<int, size_t, BlockId>> order;
    for (auto& [b, index] : first) order.emplace_back(-depth(b), index, b);
    std::sort(order.begin(), order.end());
    for (auto& [d, index, b] : order) collapse(b);
    if (functions_.empty()) return;

    onnx::GraphProto* gp = model_.mutable_graph();
    gp->clear_node();
    for (Item& it : items_) *gp->add_node() = std::move(it.proto);

    // Initializers in order of first use along the inlined graph, the order in which a flat
    // export of the re-imported graph creates them: export -> import -> export is byte-identical.
    std::map<std::string, size_t> rank;
    rankUses(gp->node(), {}, true, rank);
    std::vector<onnx::TensorProto> inits(gp->initializer().begin(), gp->initializer().end());
    auto rankOf = [&](const onnx::TensorProto& t) {
      auto it = rank.find(t.name());
      return it == rank.end() ? rank.size() : it->second;
    };
    std::stable_sort(inits.begin(), inits.end(), [&](auto& a, auto& b) { return rankOf(a) < rankOf(b); });
    gp->clear_initializer();
    for (auto& t : inits) *gp->add_initializer() = std::move(t);

    for (size_t i = 0; i < functions_.size(); ++i) {
      onnx::FunctionProto& f = functions_[i];
      for (const std::string& a : attrNames_[i]) f.add_attribute(a);
      *model_.add_functions() = std::move(f);
    }
    auto* os = model_.add_opset_import();
    os->set_domain(kBlockFunctionDomain);
    os->set_version(1);
  }

 private:
  struct Item {
    onnx::NodeProto proto;
    BlockId owner;  // innermost block not yet collapsed
  };

  // Records graph-level value names in order of first use, entering function calls.
  void rankUses(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& nodes,
                const std::map<std::string, std::string>& names, bool top, std::map<std::string, size_t>& rank) const {
    auto outer = [&](const std::string& v) {
      if (top) return v;
      auto it = names.find(v);
      return it == names.end() ? std::string() : it->second;
    };
    for (const onnx::NodeProto& n : nodes) {
      const onnx::FunctionProto* f = nullptr;
      if (n.domain() == kBlockFunctionDomain)
        for (auto& fn : functions_)
          if (fn.name() == n.op_type()) f = &fn;
      if (!f) {
        for (auto& v : n.input())
          if (!v.empty()) rank.emplace(outer(v), rank.size());
        continue;
      }
      std::map<std::string, std::string> inner;
      for (int i = 0; i < f->input_size() && i < n.input_size(); ++i) inner[f->input(i)] = outer(n.input(i));
      rankUses(f->node(), inner, false, rank);
    }
  }

  int depth(BlockId b) const {
    int d = 0;
    for (; b != kNoBlock; b = g_.block(b).parent) ++d;
    return d;
  }

  void collapse(BlockId bid) {
    const Block& b = g_.block(bid);
    std::vector<size_t> members;
    for (size_t i = 0; i < items_.size(); ++i)
      if (items_[i].owner == bid) members.push_back(i);
    if (members.empty()) return;
    std::set<size_t> memberSet(members.begin(), members.end());

    // Values: consumed from outside (function inputs) and used outside (function outputs).
    std::set<std::string> produced, consumedInside, consumedOutside;
    for (size_t i = 0; i < items_.size(); ++i) {
      const onnx::NodeProto& n = items_[i].proto;
      for (auto& v : n.input())
        if (!v.empty()) (memberSet.count(i) ? consumedInside : consumedOutside).insert(v);
      if (memberSet.count(i))
        for (auto& v : n.output())
          if (!v.empty()) produced.insert(v);
    }
    std::vector<std::string> inputs, outputs;
    std::set<std::string> seen;
    for (size_t i : members)
      for (auto& v : items_[i].proto.input())
        if (!v.empty() && !produced.count(v) && seen.insert(v).second) inputs.push_back(v);
    for (size_t i : members)
      for (auto& v : items_[i].proto.output())
        if (!v.empty() && (graphOutputs_.count(v) || consumedOutside.count(v))) outputs.push_back(v);
    if (outputs.empty())  // nothing outside uses the block: its sinks' outputs
      for (size_t i : members)
        for (auto& v : items_[i].proto.output())
          if (!v.empty() && !consumedInside.count(v)) outputs.push_back(v);

    // Local names: relative to the block where the flat name lies under it, else positional.
    const std::string prefix = b.name + ".";
    std::map<std::string, std::string> local;
    std::set<std::string> taken;
    auto name = [&](const std::string& flat, const std::string& fallback) {
      std::string n = startsWith(flat, prefix) ? flat.substr(prefix.size()) : fallback;
      while (!taken.insert(n).second) n += "_";
      local[flat] = n;
    };
    for (size_t k = 0; k < inputs.size(); ++k) name(inputs[k], numbered("in", k));
    for (size_t k = 0; k < outputs.size(); ++k) name(outputs[k], numbered("out", k));
    size_t tmp = 0;
    for (size_t i : members)
      for (auto& v : items_[i].proto.output())
        if (!v.empty() && !local.count(v)) name(v, numbered("v", tmp++));

    onnx::FunctionProto f;
    f.set_domain(kBlockFunctionDomain);
    for (auto& v : inputs) f.add_input(local[v]);
    for (auto& v : outputs) f.add_output(local[v]);
    // A nested call's attributes (its block's params, and what it passes further down) become
    // references to attributes of this function named "<call>.<attribute>", so that the body does
    // not depend on any block's params and blocks of one structure share it.
    bool callsFunctions = false;
    std::vector<onnx::AttributeProto> passed;
    for (size_t i : members) {
      onnx::NodeProto n = items_[i].proto;
      for (auto& v : *n.mutable_input())
        if (!v.empty()) v = local.at(v);
      for (auto& v : *n.mutable_output())
        if (!v.empty()) v = local.at(v);
      n.set_name(n.name() == b.name            ? std::string(".")
                 : startsWith(n.name(), prefix) ? n.name().substr(prefix.size())
                                                : "/" + n.name());
      if (n.domain() == kBlockFunctionDomain) {
        callsFunctions = true;
        for (auto& a : *n.mutable_attribute()) {
          onnx::AttributeProto value = a;
          value.set_name(n.name() + "." + a.name());
          a.Clear();
          a.set_name(value.name().substr(n.name().size() + 1));
          a.set_type(value.type());
          a.set_ref_attr_name(value.name());
          passed.push_back(std::move(value));
        }
      }
      *f.add_node() = std::move(n);
    }
    auto* os = f.add_opset_import();
    os->set_domain("");
    os->set_version(opset_);
    if (callsFunctions) {
      os = f.add_opset_import();
      os->set_domain(kBlockFunctionDomain);
      os->set_version(1);
    }

    // One function per distinct (type, body).
    const std::string base = b.type.empty() ? "Group_" + b.name : b.type;
    const std::string key = base + '\0' + f.SerializeAsString();
    auto it = byKey_.find(key);
    if (it == byKey_.end()) {
      std::string fname = base;
      for (int k = 2; usedNames_.count(fname); ++k) fname = base + "_" + std::to_string(k);
      usedNames_.insert(fname);
      f.set_name(fname);
      functions_.push_back(std::move(f));
      attrNames_.emplace_back();
      it = byKey_.emplace(key, functions_.size() - 1).first;
    }
    const onnx::FunctionProto& fn = functions_[it->second];
    for (auto& [k, v] : b.params) attrNames_[it->second].insert(k);
    for (auto& a : passed) attrNames_[it->second].insert(a.name());

    Item call{{}, b.parent};
    call.proto.set_name(b.name);
    call.proto.set_op_type(fn.name());
    call.proto.set_domain(kBlockFunctionDomain);
    for (auto& v : inputs) call.proto.add_input(v);
    for (auto& v : outputs) call.proto.add_output(v);
    for (auto& [k, v] : b.params) attrToProto(k, v, call.proto.add_attribute());
    for (auto& a : passed) *call.proto.add_attribute() = std::move(a);

    std::vector<Item> next;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i == members.front()) next.push_back(std::move(call));
      if (!memberSet.count(i)) next.push_back(std::move(items_[i]));
    }
    items_ = sortItems(std::move(next), b.name);
  }

  // Stable topological order (ties by position). A cycle means the block just collapsed is not a
  // closed unit: a path leaves it and comes back in.
  static std::vector<Item> sortItems(std::vector<Item> items, const std::string& block) {
    std::map<std::string, size_t> producer;
    for (size_t i = 0; i < items.size(); ++i)
      for (auto& v : items[i].proto.output())
        if (!v.empty()) producer[v] = i;
    std::vector<std::vector<size_t>> succ(items.size());
    std::vector<int> indeg(items.size(), 0);
    for (size_t i = 0; i < items.size(); ++i) {
      std::set<size_t> from;
      for (auto& v : items[i].proto.input())
        if (auto it = producer.find(v); !v.empty() && it != producer.end() && it->second != i) from.insert(it->second);
      for (size_t p : from) succ[p].push_back(i), ++indeg[i];
    }
    std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
    for (size_t i = 0; i < items.size(); ++i)
      if (indeg[i] == 0) ready.push(i);
    std::vector<size_t> order;
    while (!ready.empty()) {
      size_t i = ready.top();
      ready.pop();
      order.push_back(i);
      for (size_t s : succ[i])
        if (--indeg[size_t(s)] == 0) ready.push(s);
    }
    if (order.size() != items.size()) {
      // Name an outside node on the cycle: reachable from the block's call and reaching it.
      size_t call = 0;
      while (call < items.size() && items[call].proto.name() != block) ++call;
      std::vector<std::vector<size_t>> pred(items.size());
      for (size_t i = 0; i < items.size(); ++i)
        for (size_t s : succ[i]) pred[s].push_back(i);
      auto reach = [&](const std::vector<std::vector<size_t>>& edges) {
        std::vector<bool> seen(items.size(), false);
        std::vector<size_t> todo{call};
        while (!todo.empty()) {
          size_t i = todo.back();
          todo.pop_back();
          for (size_t j : edges[i])
            if (!seen[j]) seen[j] = true, todo.push_back(j);
        }
        return seen;
      };
      std::string via;
      if (call < items.size()) {
        std::vector<bool> from = reach(succ), to = reach(pred);
        for (size_t i = 0; i < items.size() && via.empty(); ++i)
          if (i != call && from[i] && to[i]) via = items[i].proto.name();
      }
      throw Error("block '" + block + "' cannot be exported as an ONNX function: a path leaves it and comes back in" +
                  (via.empty() ? std::string() : " through node '" + via + "'") +
                  " (put that node into the block, or export flat)");
    }
    std::vector<Item> out;
    out.reserve(items.size());
    for (size_t i : order) out.push_back(std::move(items[i]));
    return out;
  }

  const Graph& g_;
  onnx::ModelProto& model_;
  int opset_;
  std::vector<Item> items_;
  std::set<std::string> graphOutputs_;
  std::map<std::string, size_t> byKey_;
  std::set<std::string> usedNames_;
  std::vector<onnx::FunctionProto> functions_;
  std::vector<std::set<std::string>> attrNames_;
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

// ---------------------------------------------------------------- import: functions inlined

// A node of the flat graph being imported: an ONNX node with value names made global, its full
// name, and the block of the function call that produced it.
struct FlatNode {
  onnx::NodeProto proto;
  BlockId block = kNoBlock;
};

class Inliner {
 public:
  // Blocks go into `g`, typed by `blockTypeOf` (none: plain groups); without a graph
  // (validation) only the nodes are produced.
  Inliner(const onnx::ModelProto& m, Graph* g,
          std::function<std::string(const std::string&)> blockTypeOf = {})
      : g_(g), blockTypeOf_(std::move(blockTypeOf)) {
    for (auto& f : m.functions()) functions_[{f.domain(), f.name()}] = &f;
  }
  bool hasDomain(const std::string& domain) const {
    for (auto& [key, f] : functions_)
      if (key.first == domain) return true;
    return false;
  }

  std::vector<FlatNode> run(const onnx::GraphProto& gp) {
    std::vector<FlatNode> out;
    for (auto& np : gp.node()) {
      if (const onnx::FunctionProto* f = find(np)) {
        inlineCall(np, *f, kNoBlock, out);
      } else {
        out.push_back({np, kNoBlock});
      }
    }
    return out;
  }

 private:
  const onnx::FunctionProto* find(const onnx::NodeProto& np) const {
    auto it = functions_.find({np.domain(), np.op_type()});
    return it == functions_.end() ? nullptr : it->second;
  }

  // Inlines one call; `call` already uses flat value names and its full node name.
  void inlineCall(const onnx::NodeProto& call, const onnx::FunctionProto& f, BlockId parent,
                  std::vector<FlatNode>& out) {
    const std::string& callName = call.name();
    const std::string fname = f.domain() + ":" + f.name();
    const std::string what = "function '" + f.name() + "' (called by node '" + callName + "')";
    for (const std::string& s : stack_)
      if (s == fname) {
        std::string chain;
        for (const std::string& t : stack_) chain += t + " -> ";
        throw Error(what + " calls itself recursively: " + chain + fname);
      }
    if (stack_.size() >= 64) throw Error(what + ": functions are nested more than 64 deep");
    if (call.input_size() > f.input_size() || call.output_size() > f.output_size())
      throw Error(what + ": the call has " + std::to_string(call.input_size()) + " inputs and " +
                  std::to_string(call.output_size()) + " outputs; the function takes " +
                  std::to_string(f.input_size()) + " and gives " + std::to_string(f.output_size()));

    Block b;
    b.name = callName.empty() ? f.name() : callName;
    b.type = blockTypeOf_ && g_ ? blockTypeOf_(f.name()) : std::string();
    b.parent = parent;
    // The call's attributes are the block's params, except those the body passes down to nested
    // calls (see ExportOptions::functions).
    std::set<std::string> passedDown;
    for (auto& inner : f.node())
      if (find(inner))
        for (auto& a : inner.attribute())
          if (!a.ref_attr_name().empty()) passedDown.insert(a.ref_attr_name());
    BlockId id = kNoBlock;
    std::string path = b.name;
    if (g_) {
      for (auto& a : call.attribute())
        if (!passedDown.count(a.name())) b.params[a.name()] = attrFromProto(a, "node '" + b.name + "'");
      id = g_->addBlock(b);
      path = g_->block(id).name;
    }

    std::map<std::string, std::string> values;  // local name -> flat name
    for (int i = 0; i < f.input_size(); ++i) values[f.input(i)] = i < call.input_size() ? call.input(i) : "";
    std::map<std::string, std::string> outputs;  // local output name -> flat name
    for (int i = 0; i < call.output_size(); ++i)
      if (!call.output(i).empty()) outputs[f.output(i)] = call.output(i);
    std::set<std::string> producedOutputs;

    stack_.push_back(fname);
    int index = 0;
    for (const onnx::NodeProto& inner : f.node()) {
      ++index;
      onnx::NodeProto n = inner;
      const std::string& nm = inner.name();
      n.set_name(nm.empty() ? "" : nm == "." ? path : nm[0] == '/' ? nm.substr(1) : path + "." + nm);
      const std::string label = nm.empty() ? inner.op_type() + " #" + std::to_string(index) : nm;
      for (auto& v : *n.mutable_input()) {
        if (v.empty()) continue;
        auto it = values.find(v);
        if (it == values.end())
          throw Error(what + ": node '" + label + "' uses '" + v +
                      "', which is neither an input of the function nor produced by an earlier node");
        v = it->second;
      }
      for (auto& v : *n.mutable_output()) {
        if (v.empty()) continue;
        if (values.count(v)) throw Error(what + ": value '" + v + "' is defined twice");
        auto it = outputs.find(v);
        std::string flat = it != outputs.end() ? it->second : numbered("#", ++counter_) + "/" + path + "/" + v;
        if (it != outputs.end()) producedOutputs.insert(v);
        values[v] = flat;
        v = flat;
      }
      // Attributes referring to the call's attributes take their values (absent: the default).
      n.clear_attribute();
      for (auto& a : inner.attribute()) {
        if (a.ref_attr_name().empty()) {
          *n.add_attribute() = a;
          continue;
        }
        for (auto& ca : call.attribute())
          if (ca.name() == a.ref_attr_name()) {
            onnx::AttributeProto copy = ca;
            copy.set_name(a.name());
            *n.add_attribute() = copy;
          }
      }
      if (const onnx::FunctionProto* g = find(n)) inlineCall(n, *g, id, out);
      else out.push_back({std::move(n), id});
    }
    stack_.pop_back();
    for (int i = 0; i < call.output_size(); ++i)
      if (!call.output(i).empty() && !producedOutputs.count(f.output(i)))
        throw Error(what + ": function output '" + f.output(i) + "' is not produced by any node of the function");
  }

  Graph* g_;
  std::function<std::string(const std::string&)> blockTypeOf_;
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto*> functions_;
  std::vector<std::string> stack_;
  size_t counter_ = 0;
};

// The model with every function call replaced by the function's nodes (validation of the flat
// form: libonnx 1.12 infers shapes through model-local functions but drops errors inside them).
onnx::ModelProto inlinedModel(const onnx::ModelProto& m) {
  Inliner inliner(m, nullptr);
  std::vector<FlatNode> nodes = inliner.run(m.graph());
  onnx::ModelProto flat = m;
  flat.clear_functions();
  flat.mutable_graph()->clear_node();
  for (FlatNode& n : nodes) *flat.mutable_graph()->add_node() = std::move(n.proto);
  flat.clear_opset_import();
  for (auto& o : m.opset_import())
    if (!inliner.hasDomain(o.domain())) *flat.add_opset_import() = o;
  return flat;
}

std::vector<FunctionInfo> functionInfo(const onnx::ModelProto& model) {
  std::vector<FunctionInfo> out;
  std::map<std::pair<std::string, std::string>, int> calls;
  auto count = [&](const auto& nodes) {
    for (auto& n : nodes) ++calls[{n.domain(), n.op_type()}];
  };
  count(model.graph().node());
  for (auto& f : model.functions()) count(f.node());
  for (auto& f : model.functions()) out.push_back({f.domain(), f.name(), f.node_size(), calls[{f.domain(), f.name()}]});
  return out;
}

ValidationReport validate(onnx::ModelProto& model) {
  ValidationReport r;
  r.functions = functionInfo(model);
  int opset = 0;
  for (auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
  if (opset > 17) {
    r.notes.push_back("libonnx 1.12 knows operator schemas up to opset 17: the checker and shape inference "
                      "were not run for opset " + std::to_string(opset) + " (ONNX Runtime validates it in tests)");
    return r;
  }
  // Functions are inlined first: that refuses recursive functions and undefined values, which
  // libonnx 1.12 does not guard against, before libonnx sees them.
  std::optional<onnx::ModelProto> flat;
  if (model.functions_size() > 0) {
    try {
      flat = inlinedModel(model);
    } catch (const Error& e) {
      throw Error(std::string("invalid model-local function: ") + e.what());
    }
  }
  const char* stage = "ONNX checker failed: ";
  try {
    onnx::checker::check_model(model);  // checks the model-local functions too
    r.checkerRun = true;
    stage = "ONNX shape inference failed: ";
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions{true, 1, false});
    if (flat) {
      stage = "ONNX checker failed (functions inlined): ";
      onnx::checker::check_model(*flat);
      stage = "ONNX shape inference failed (functions inlined): ";
      onnx::shape_inference::InferShapes(*flat, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions{true, 1, false});
      r.notes.push_back("libonnx 1.12 infers shapes through model-local functions but does not report errors "
                        "inside them: the checker and strict shape inference also ran with every function inlined");
    }
    r.shapeInferenceRun = true;
  } catch (const std::exception& e) {
    throw Error(stage + std::string(e.what()));
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

}  // namespace

// ---------------------------------------------------------------- public API

std::string exportModelBytes(const Graph& g, const ExportOptions& opt, ValidationReport* report) {
  Exporter ex(g, opt);
  onnx::ModelProto model = ex.build();
  if (opt.functions) FunctionBuilder(g, model, ex.origins(), opt.opset).run();
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
  Graph g;
  Inliner inliner(m, &g, opt.blockTypeOf);
  int opset = -1;
  for (auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
    else if (o.domain() != "ai.onnx.ml" && !inliner.hasDomain(o.domain()))
      throw Error("the model uses operator domain '" + o.domain() + "', which is not supported");
  }
  if (opset < 0) throw Error("the model declares no ai.onnx opset");
  if (opset > kMaxOpset)
    throw Error("the model uses opset " + std::to_string(opset) + "; NetCanvas imports opsets up to " +
                std::to_string(kMaxOpset));
  const onnx::GraphProto& gp = m.graph();
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
  for (const FlatNode& flat : inliner.run(gp)) {
    const onnx::NodeProto& np = flat.proto;
    ++index;
    std::string label = np.name().empty() ? np.op_type() + " #" + std::to_string(index) : np.name();
    std::string what = "node '" + label + "' (" + np.op_type() + ")";
    if (!np.domain().empty() && np.domain() != "ai.onnx")
      throw Error(what + (inliner.hasDomain(np.domain())
                              ? ": the model defines no function '" + np.op_type() + "' in domain '" + np.domain() + "'"
                              : ": operator domain '" + np.domain() + "' is not supported"));
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
    if (flat.block != kNoBlock) g.setNodeBlock(id, flat.block);
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
