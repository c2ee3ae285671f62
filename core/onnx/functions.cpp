#include "core/onnx/functions.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "core/base/error.h"
#include "core/onnx/proto_util.h"

namespace nc {

namespace {

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

  // The values a block's function takes and returns.
  struct Interface {
    std::vector<std::string> inputs, outputs;
  };

  // A function body, with the attribute values its nested calls pass down.
  struct Body {
    onnx::FunctionProto function;
    std::vector<onnx::AttributeProto> passed;
  };

  // Replaces the items of block `bid` by one call of its function.
  void collapse(BlockId bid) {
    const Block& b = g_.block(bid);
    std::vector<size_t> members;
    for (size_t i = 0; i < items_.size(); ++i)
      if (items_[i].owner == bid) members.push_back(i);
    if (members.empty()) return;
    std::set<size_t> memberSet(members.begin(), members.end());

    Interface io = interfaceOf(members, memberSet);
    Body body = bodyOf(b, members, localNames(b, members, io), io);
    size_t fi = intern(b, std::move(body.function), body.passed);
    replaceByCall(b, members, memberSet, io, functions_[fi].name(), std::move(body.passed));
  }

  // Values: consumed from outside (function inputs) and used outside (function outputs).
  Interface interfaceOf(const std::vector<size_t>& members,
                        const std::set<size_t>& memberSet) const {
    std::set<std::string> produced, consumedInside, consumedOutside;
    for (size_t i = 0; i < items_.size(); ++i) {
      const onnx::NodeProto& n = items_[i].proto;
      for (auto& v : n.input())
        if (!v.empty()) (memberSet.count(i) ? consumedInside : consumedOutside).insert(v);
      if (memberSet.count(i))
        for (auto& v : n.output())
          if (!v.empty()) produced.insert(v);
    }
    Interface io;
    std::set<std::string> seen;
    for (size_t i : members)
      for (auto& v : items_[i].proto.input())
        if (!v.empty() && !produced.count(v) && seen.insert(v).second) io.inputs.push_back(v);
    for (size_t i : members)
      for (auto& v : items_[i].proto.output())
        if (!v.empty() && (graphOutputs_.count(v) || consumedOutside.count(v)))
          io.outputs.push_back(v);
    if (io.outputs.empty())  // nothing outside uses the block: its sinks' outputs
      for (size_t i : members)
        for (auto& v : items_[i].proto.output())
          if (!v.empty() && !consumedInside.count(v)) io.outputs.push_back(v);
    return io;
  }

  // Local names: relative to the block where the flat name lies under it, else positional.
  std::map<std::string, std::string> localNames(const Block& b, const std::vector<size_t>& members,
                                                const Interface& io) const {
    const std::string prefix = b.name + ".";
    std::map<std::string, std::string> local;
    std::set<std::string> taken;
    auto name = [&](const std::string& flat, const std::string& fallback) {
      std::string n = startsWith(flat, prefix) ? flat.substr(prefix.size()) : fallback;
      while (!taken.insert(n).second) n += "_";
      local[flat] = n;
    };
    for (size_t k = 0; k < io.inputs.size(); ++k) name(io.inputs[k], proto::numbered("in", k));
    for (size_t k = 0; k < io.outputs.size(); ++k) name(io.outputs[k], proto::numbered("out", k));
    size_t tmp = 0;
    for (size_t i : members)
      for (auto& v : items_[i].proto.output())
        if (!v.empty() && !local.count(v)) name(v, proto::numbered("v", tmp++));
    return local;
  }

  // The function body: the members renamed to local names, their nested calls' attributes
  // turned into references.
  Body bodyOf(const Block& b, const std::vector<size_t>& members,
              const std::map<std::string, std::string>& local, const Interface& io) const {
    const std::string prefix = b.name + ".";
    Body body;
    onnx::FunctionProto& f = body.function;
    f.set_domain(kBlockFunctionDomain);
    for (auto& v : io.inputs) f.add_input(local.at(v));
    for (auto& v : io.outputs) f.add_output(local.at(v));
    // A nested call's attributes (its block's params, and what it passes further down) become
    // references to attributes of this function named "<call>.<attribute>", so that the body does
    // not depend on any block's params and blocks of one structure share it.
    bool callsFunctions = false;
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
          body.passed.push_back(std::move(value));
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
    return body;
  }

  // One function per distinct (type, body): the index of the existing one or of `f`, named.
  size_t intern(const Block& b, onnx::FunctionProto f,
                const std::vector<onnx::AttributeProto>& passed) {
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
    for (auto& [k, v] : b.params) attrNames_[it->second].insert(k);
    for (auto& a : passed) attrNames_[it->second].insert(a.name());
    return it->second;
  }

  // The call takes the place of the block's first member; the items are sorted again.
  void replaceByCall(const Block& b, const std::vector<size_t>& members,
                     const std::set<size_t>& memberSet, const Interface& io,
                     const std::string& function, std::vector<onnx::AttributeProto> passed) {
    Item call{{}, b.parent};
    call.proto.set_name(b.name);
    call.proto.set_op_type(function);
    call.proto.set_domain(kBlockFunctionDomain);
    for (auto& v : io.inputs) call.proto.add_input(v);
    for (auto& v : io.outputs) call.proto.add_output(v);
    for (auto& [k, v] : b.params) proto::attrToProto(k, v, call.proto.add_attribute());
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

}  // namespace

void buildFunctions(const Graph& g, onnx::ModelProto& model, const std::vector<NodeId>& origins, int opset) {
  FunctionBuilder(g, model, origins, opset).run();
}

}  // namespace nc
