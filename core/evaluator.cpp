#include "core/evaluator.h"

#include <chrono>
#include <set>

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
  // Drop entries of removed nodes.
  for (auto it = entries_.begin(); it != entries_.end();)
    it = g.contains(it->first) ? std::next(it) : entries_.erase(it);

  std::vector<NodeId> order = g.topologicalOrder();
  size_t done = 0;
  for (NodeId id : order) {
    if (options.cancelled && options.cancelled()) {
      report.cancelled = true;
      break;
    }
    const Node& n = g.node(id);
    auto& slot = entries_[id];
    if (!slot) slot = std::make_unique<Entry>();
    Entry& e = *slot;

    // Gather input versions and tensors.
    std::vector<uint64_t> versions;
    std::vector<Tensor> inputs;
    bool upstreamFailed = false;
    for (const InputBinding& b : n.inputs) {
      if (b.source) {
        auto it = entries_.find(b.source->node);
        if (it == entries_.end() || it->second->failed ||
            b.source->port >= int(it->second->outputs.size())) {
          upstreamFailed = true;
          versions.push_back(0);
          inputs.emplace_back();
          continue;
        }
        versions.push_back(it->second->version);
        inputs.push_back(it->second->outputs[size_t(b.source->port)]);
      } else {
        versions.push_back(0);
        inputs.push_back(b.constant);
      }
    }
    if (n.op == "Input") {
      auto f = feeds_.find(n.name);
      versions.push_back(f == feeds_.end() ? 0 : f->second.second);
    }
    bool stale = e.failed || e.nodeRevision != n.revision || e.inputVersions != versions ||
                 e.outputs.size() < size_t(n.numOutputs);  // not `empty()`: Output nodes have none
    if (!stale) {
      ++done;
      continue;
    }
    e.nodeRevision = n.revision;
    e.inputVersions = versions;
    e.version = ++versionCounter_;
    e.outputs.clear();
    e.failed = true;
    if (upstreamFailed) {
      // Not an error of this node: it simply has nothing to compute from.
      ++done;
      continue;
    }
    try {
      const OpSpec* spec = findOp(n.op);
      if (!spec) throw Error("unknown op type '" + n.op + "'");
      // Required inputs must be bound.
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        const PortSpec& ps = spec->inputs[std::min(i, spec->inputs.size() - 1)];
        if (!ps.optional && inputs[i].empty())
          throw Error("input '" + ps.name + "' is not connected");
      }
      if (n.op == "Input") {
        auto f = feeds_.find(n.name);
        if (f != feeds_.end()) {
          inputs.push_back(f->second.first);
        }
      }
      if (!e.kernel || !sameAttrs(e.kernelAttrs, n.attrs) || e.kernelIsReference != options.reference ||
          e.kernelOutputs != n.numOutputs) {
        AttrReader reader(*spec, n);
        const KernelFactory& make = (options.reference || !spec->fast) ? spec->reference : spec->fast;
        e.kernel = make(reader);
        e.kernelAttrs = n.attrs;
        e.kernelIsReference = options.reference;
        e.kernelOutputs = n.numOutputs;
      }
      const auto t0 = std::chrono::steady_clock::now();
      e.outputs = e.kernel->compute(inputs);
      const auto t1 = std::chrono::steady_clock::now();
      e.failed = false;
      report.recomputed.push_back(id);
      report.milliseconds.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    } catch (const std::exception& ex) {
      report.errors.push_back({id, -1, "node '" + n.name + "' (" + n.op + "): " + ex.what()});
    }
    ++done;
    if (options.progress) options.progress(done, order.size());
  }
  return report;
}

const Tensor* Evaluator::output(PortRef p) const {
  auto it = entries_.find(p.node);
  if (it == entries_.end() || it->second->failed || p.port >= int(it->second->outputs.size())) return nullptr;
  return &it->second->outputs[size_t(p.port)];
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
  Evaluator ev;
  for (auto& [k, v] : feeds) ev.setFeed(k, v);
  EvalOptions opt;
  opt.reference = reference;
  EvalReport r = ev.run(g, opt);
  if (!r.errors.empty()) throw Error(r.errors.front().message);
  std::vector<Tensor> outs = ev.graphOutputs(g);
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].empty()) throw Error("graph output " + std::to_string(i) + " was not computed");
  return outs;
}

}  // namespace nc
