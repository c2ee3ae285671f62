#include "core/eval/evaluator.h"

#include <chrono>
#include <optional>
#include <set>

#include "core/eval/blocked_layout.h"
#include "core/ops/registry.h"

namespace nc {

struct Evaluator::Entry {
  uint64_t nodeRevision = 0;
  std::vector<uint64_t> inputVersions;  // versions of source entries (or feed version for Input)
  uint64_t version = 0;                 // bumped when outputs are recomputed
  bool failed = false;
  std::vector<Tensor> outputs;
  std::unique_ptr<Kernel> kernel;
  std::map<std::string, AttrValue> kernelAttrs;
  bool kernelIsReference = false;
  int kernelOutputs = 0;  // kernels may compute optional outputs only when the node has them
  std::vector<bool> blocked;           // inference: output i is in the blocked layout
  mutable std::vector<Tensor> plain;   // plain copies of blocked outputs, made on demand

  const Tensor& plainOutput(size_t port) const {
    if (port >= blocked.size() || !blocked[port]) return outputs[port];
    if (plain.size() <= port) plain.resize(outputs.size());
    if (plain[port].empty()) plain[port] = toPlain(outputs[port]);
    return plain[port];
  }
  void clearOutputs() {
    outputs.clear();
    blocked.clear();
    plain.clear();
  }
};

Evaluator::Evaluator() = default;
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

void Evaluator::setFeed(const std::string& inputName, Tensor value) {
  feeds_[inputName] = {std::move(value), ++versionCounter_};
}

void Evaluator::clearFeeds() {
  feeds_.clear();  // Input nodes see their feed version drop to 0 and recompute
}

void Evaluator::reset() { entries_.clear(); }

static bool sameAttrs(const std::map<std::string, AttrValue>& a, const std::map<std::string, AttrValue>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || !attrEquals(ia->second, ib->second)) return false;
  return true;
}

EvalReport Evaluator::run(const Graph& g, const EvalOptions& options) {
  EvalReport report;
  if (options.reference != lastReference_) {
    entries_.clear();
    lastReference_ = options.reference;
  }
  if (options.inference != lastInference_) {
    for (auto& [id, e] : entries_) e->clearOutputs();  // kernels stay; values are recomputed
    lastInference_ = options.inference;
  }
  // Drop entries of removed nodes.
  for (auto it = entries_.begin(); it != entries_.end();)
    it = g.contains(it->first) ? std::next(it) : entries_.erase(it);

  std::vector<NodeId> order = g.topologicalOrder();
  const bool layouts = options.inference && !options.reference;
  // Inference: how many inputs still read each node's outputs; kept are the values of Input
  // nodes, of nodes nobody reads, and those reaching Output nodes.
  std::map<NodeId, int> readers;
  std::set<NodeId> kept;
  if (options.inference) {
    for (NodeId id : order) {
      const Node& n = g.node(id);
      if (n.op == "Input") kept.insert(id);
      for (const InputBinding& b : n.inputs)
        if (b.source) {
          ++readers[b.source->node];
          if (n.op == "Output") kept.insert(b.source->node);
        }
    }
  }
  auto release = [&](const Node& n) {
    if (!options.inference) return;
    for (const InputBinding& b : n.inputs) {
      if (!b.source || --readers[b.source->node] > 0 || kept.count(b.source->node)) continue;
      if (auto it = entries_.find(b.source->node); it != entries_.end()) it->second->clearOutputs();
    }
  };
  size_t done = 0;
  for (NodeId id : order) {
    if (options.cancelled && options.cancelled()) {
      report.cancelled = true;
      break;
    }
    const Node& n = g.node(id);
    const bool computed = runNode(n, options, layouts, report);
    release(n);
    ++done;
    if (computed && options.progress) options.progress(done, order.size());
  }
  return report;
}

bool Evaluator::runNode(const Node& n, const EvalOptions& options, bool layouts, EvalReport& report) {
  const NodeId id = n.id;
  auto& slot = entries_[id];
  if (!slot) slot = std::make_unique<Entry>();
  Entry& e = *slot;

  // Gather input versions and tensors (and, for inference, the producers' layouts).
  std::vector<uint64_t> versions;
  std::vector<Tensor> inputs;
  std::vector<bool> inBlocked;
  std::vector<const Entry*> producers;
  bool upstreamFailed = false;
  for (const InputBinding& b : n.inputs) {
    if (b.source) {
      auto it = entries_.find(b.source->node);
      if (it == entries_.end() || it->second->failed || b.source->port >= int(it->second->outputs.size())) {
        upstreamFailed = true;
        versions.push_back(0);
        inputs.emplace_back();
        inBlocked.push_back(false);
        producers.push_back(nullptr);
        continue;
      }
      const Entry& src = *it->second;
      const size_t port = size_t(b.source->port);
      versions.push_back(src.version);
      inputs.push_back(src.outputs[port]);
      inBlocked.push_back(port < src.blocked.size() && src.blocked[port]);
      producers.push_back(&src);
    } else {
      versions.push_back(0);
      inputs.push_back(b.constant);
      inBlocked.push_back(false);
      producers.push_back(nullptr);
    }
  }
  if (n.op == "Input") {
    auto f = feeds_.find(n.name);
    versions.push_back(f == feeds_.end() ? 0 : f->second.second);
  }
  bool stale = e.failed || e.nodeRevision != n.revision || e.inputVersions != versions ||
               e.outputs.size() < size_t(n.numOutputs);  // not `empty()`: Output nodes have none
  if (!stale) return false;
  e.nodeRevision = n.revision;
  e.inputVersions = versions;
  e.version = ++versionCounter_;
  e.clearOutputs();
  e.failed = true;
  // Not an error of this node when upstream failed: it simply has nothing to compute from.
  if (upstreamFailed) return false;
  try {
    const OpSpec* spec = findOp(n.op);
    if (!spec) throw Error("unknown op type '" + n.op + "'");
    // Required inputs must be bound.
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const PortSpec& ps = spec->inputs[std::min(i, spec->inputs.size() - 1)];
      if (!ps.optional && inputs[i].empty()) throw Error("input '" + ps.name + "' is not connected");
    }
    if (n.op == "Input") {
      auto f = feeds_.find(n.name);
      if (f != feeds_.end()) {
        inputs.push_back(f->second.first);
        inBlocked.push_back(false);
        producers.push_back(nullptr);
      }
    }
    if (!e.kernel || !sameAttrs(e.kernelAttrs, n.attrs) || e.kernelIsReference != options.reference ||
        e.kernelOutputs != n.numOutputs) {
      AttrReader reader(*spec, nodeInfo(n));
      const KernelFactory& make = (options.reference || !spec->fast) ? spec->reference : spec->fast;
      e.kernel = make(reader);
      e.kernelAttrs = n.attrs;
      e.kernelIsReference = options.reference;
      e.kernelOutputs = n.numOutputs;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<std::vector<Tensor>> blockedOut;
    std::vector<bool> outBlocked;
    if (layouts) blockedOut = computeBlockedNode(n, *e.kernel, inputs, inBlocked, outBlocked);
    if (blockedOut) {
      e.outputs = std::move(*blockedOut);
      e.blocked = outBlocked;
      e.blocked.resize(e.outputs.size(), false);
    } else {
      for (size_t i = 0; i < inputs.size(); ++i)
        if (inBlocked[i]) inputs[i] = producers[i]->plainOutput(size_t(n.inputs[i].source->port));
      e.outputs = e.kernel->compute(inputs);
    }
    const auto t1 = std::chrono::steady_clock::now();
    e.failed = false;
    report.recomputed.push_back(id);
    report.milliseconds.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  } catch (const std::exception& ex) {
    e.clearOutputs();
    report.errors.push_back({id, -1, "node '" + n.name + "' (" + n.op + "): " + ex.what()});
  }
  return true;
}

const Tensor* Evaluator::output(PortRef p) const {
  auto it = entries_.find(p.node);
  if (it == entries_.end() || it->second->failed || p.port >= int(it->second->outputs.size())) return nullptr;
  return &it->second->plainOutput(size_t(p.port));
}

std::vector<Tensor> Evaluator::graphOutputs(const Graph& g) const {
  std::vector<Tensor> outs;
  for (NodeId id : g.outputNodes()) {
    const Node& n = g.node(id);
    const Tensor* t = n.inputs.empty() || !n.inputs[0].source ? nullptr : output(*n.inputs[0].source);
    outs.push_back(t ? *t : Tensor());
  }
  return outs;
}

std::vector<Tensor> evaluate(const Graph& g, const std::map<std::string, Tensor>& feeds, bool reference) {
  EvalOptions opt;
  opt.reference = reference;
  return evaluate(g, feeds, opt);
}

std::vector<Tensor> evaluate(const Graph& g, const std::map<std::string, Tensor>& feeds, const EvalOptions& opt) {
  Evaluator ev;
  for (auto& [k, v] : feeds) ev.setFeed(k, v);
  EvalReport r = ev.run(g, opt);
  if (!r.errors.empty()) throw Error(r.errors.front().message);
  std::vector<Tensor> outs = ev.graphOutputs(g);
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].empty()) throw Error("graph output " + std::to_string(i) + " was not computed");
  return outs;
}

}  // namespace nc
