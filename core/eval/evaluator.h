#pragma once
// Runs a graph with our kernels, keeps every node's outputs (for previews), and on the next run
// recomputes only the nodes an edit made stale: a node is recomputed when its own revision or
// the version of any of its inputs changed. Kernels are cached per node and rebuilt only when
// the node's attributes (or output count) change, so their primitive caches survive reconnections.
// For inference (EvalOptions::inference: `netcanvas-cli run/bench`) it keeps activations in
// oneDNN's blocked layout between ops and frees each intermediate after its last reader.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/eval/shape_inference.h"

namespace nc {

struct EvalOptions {
  bool reference = false;                 // use the naive reference kernels
  // Inference: nobody looks at intermediates. Activations may stay in oneDNN's blocked layout
  // between ops that can work on it (core/blocked_layout.h; fast kernels only), and every
  // intermediate is freed after its last consumer. output() then answers for Input nodes and
  // for values that reach Output nodes (reordered to plain NCHW on request); the next run
  // recomputes the freed ones. Switching this flag recomputes everything once.
  bool inference = false;
  std::function<bool()> cancelled;        // polled between nodes
  std::function<void(size_t done, size_t total)> progress;
};

struct EvalReport {
  std::vector<NodeId> recomputed;         // in execution order
  std::vector<double> milliseconds;       // kernel time of each recomputed node (same order)
  std::vector<Diagnostic> errors;         // failed nodes (downstream of them are skipped)
  bool cancelled = false;
  bool ok() const { return errors.empty() && !cancelled; }
};

class Evaluator {
 public:
  Evaluator();
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;

  // Data for a graph input (an "Input" node) by name; overrides the node's own data.
  void setFeed(const std::string& inputName, Tensor value);
  void clearFeeds();

  EvalReport run(const Graph& g, const EvalOptions& options = {});

  // Output tensor of a node's output port after run(); null if not computed.
  const Tensor* output(PortRef p) const;
  // Tensors reaching the graph's Output nodes, in Output-node id order.
  std::vector<Tensor> graphOutputs(const Graph& g) const;
  // Forget everything (e.g. after switching kernels).
  void reset();

 private:
  struct Entry;
  // Recomputes n when stale; false when it was up to date or had nothing to compute from.
  bool runNode(const Node& n, const EvalOptions& options, bool layouts, EvalReport& report);
  std::map<NodeId, std::unique_ptr<Entry>> entries_;
  std::map<std::string, std::pair<Tensor, uint64_t>> feeds_;
  uint64_t versionCounter_ = 0;
  bool lastReference_ = false;
  bool lastInference_ = false;
};

// One-shot convenience: evaluate g with `feeds` (by input name) and return the graph outputs.
std::vector<Tensor> evaluate(const Graph& g, const std::map<std::string, Tensor>& feeds = {},
                             bool reference = false);
// The same with any options (e.g. inference = true).
std::vector<Tensor> evaluate(const Graph& g, const std::map<std::string, Tensor>& feeds, const EvalOptions& options);

}  // namespace nc
