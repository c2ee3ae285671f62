#include "core/onnx/inline.h"

#include <set>

#include "core/base/error.h"
#include "core/onnx/proto_util.h"

namespace nc {

namespace {

// The attributes of a function's node with references to the call's attributes replaced by
// their values (a reference the call does not set is dropped: the op's default applies).
void bindAttributes(const onnx::NodeProto& inner, const onnx::NodeProto& call, onnx::NodeProto& n) {
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
}

}  // namespace

Inliner::Inliner(const onnx::ModelProto& m, Graph* g, BlockTypeOf blockTypeOf)
    : g_(g), blockTypeOf_(std::move(blockTypeOf)) {
  for (auto& f : m.functions()) functions_[{f.domain(), f.name()}] = &f;
}

bool Inliner::hasDomain(const std::string& domain) const {
  for (auto& [key, f] : functions_)
    if (key.first == domain) return true;
  return false;
}

std::vector<FlatNode> Inliner::run(const onnx::GraphProto& gp) {
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

const onnx::FunctionProto* Inliner::find(const onnx::NodeProto& np) const {
  auto it = functions_.find({np.domain(), np.op_type()});
  return it == functions_.end() ? nullptr : it->second;
}

void Inliner::checkCall(const onnx::NodeProto& call, const onnx::FunctionProto& f, const std::string& what,
                        const std::string& fname) const {
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
}

std::pair<BlockId, std::string> Inliner::openBlock(const onnx::NodeProto& call, const onnx::FunctionProto& f,
                                                   BlockId parent) {
  Block b;
  b.name = call.name().empty() ? f.name() : call.name();
  if (!g_) return {kNoBlock, b.name};
  b.type = blockTypeOf_ ? blockTypeOf_(f.name()) : std::string();
  b.parent = parent;
  // The call's attributes are the block's params, except those the body passes down to nested
  // calls (see ExportOptions::functions).
  std::set<std::string> passedDown;
  for (auto& inner : f.node())
    if (find(inner))
      for (auto& a : inner.attribute())
        if (!a.ref_attr_name().empty()) passedDown.insert(a.ref_attr_name());
  for (auto& a : call.attribute())
    if (!passedDown.count(a.name())) b.params[a.name()] = proto::attrFromProto(a, "node '" + b.name + "'");
  BlockId id = g_->addBlock(b);
  return {id, g_->block(id).name};
}

void Inliner::inlineCall(const onnx::NodeProto& call, const onnx::FunctionProto& f, BlockId parent,
                         std::vector<FlatNode>& out) {
  const std::string fname = f.domain() + ":" + f.name();
  const std::string what = "function '" + f.name() + "' (called by node '" + call.name() + "')";
  checkCall(call, f, what, fname);
  const auto [id, path] = openBlock(call, f, parent);

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
      std::string flat = it != outputs.end() ? it->second : proto::numbered("#", ++counter_) + "/" + path + "/" + v;
      if (it != outputs.end()) producedOutputs.insert(v);
      values[v] = flat;
      v = flat;
    }
    bindAttributes(inner, call, n);
    if (const onnx::FunctionProto* g = find(n)) inlineCall(n, *g, id, out);
    else out.push_back({std::move(n), id});
  }
  stack_.pop_back();
  for (int i = 0; i < call.output_size(); ++i)
    if (!call.output(i).empty() && !producedOutputs.count(f.output(i)))
      throw Error(what + ": function output '" + f.output(i) + "' is not produced by any node of the function");
}

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

}  // namespace nc
