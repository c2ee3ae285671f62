#include "core/layout/layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace nc {

namespace {

// Working graph: real nodes first (index = position in `ids`), then virtual nodes.
struct LNode {
  int layer = 0;
  std::vector<int> preds, succs;
  double order = 0;  // position within its layer (barycentre key)
  double y = 0;
};

// The state the phases below share. Nodes are referred to by index into `nodes`.
struct LayoutState {
  const Graph& g;
  const LayoutOptions& opt;
  std::vector<NodeId> ids;                 // the real nodes, ascending
  int n = 0;                               // number of real nodes
  std::vector<LNode> nodes;                // real nodes, then virtual ones
  std::vector<std::pair<int, int>> edges;  // between real nodes, sorted, without duplicates
  int maxLayer = 0;
  std::vector<std::vector<int>> layers;  // node indices of each layer, in order
  std::vector<double> extent;            // the room a node takes below its top

  LayoutState(const Graph& graph, const LayoutOptions& options)
      : g(graph), opt(options), ids(graph.nodeIds()), n(int(ids.size())) {}

  LNode& node(int i) { return nodes[size_t(i)]; }
  const LNode& node(int i) const { return nodes[size_t(i)]; }
  const std::string& op(int i) const { return g.node(ids[size_t(i)]).op; }
};

// The real nodes and the edges between them (self-loops and parallel edges dropped).
void collectEdges(LayoutState& s) {
  std::unordered_map<NodeId, int> index;
  index.reserve(size_t(s.n) * 2);
  for (int i = 0; i < s.n; ++i) index[s.ids[size_t(i)]] = i;

  s.nodes.assign(size_t(s.n), LNode{});
  for (const ConnectionId& c : s.g.connections()) {
    auto a = index.find(c.from.node), b = index.find(c.to.node);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    s.edges.push_back({a->second, b->second});
  }
  std::sort(s.edges.begin(), s.edges.end());
  s.edges.erase(std::unique(s.edges.begin(), s.edges.end()), s.edges.end());
  for (auto [a, b] : s.edges) {
    s.node(a).succs.push_back(b);
    s.node(b).preds.push_back(a);
  }
}

// Longest-path layering in topological order (Kahn; the graph is a DAG by construction).
void longestPathLayers(LayoutState& s) {
  std::vector<int> indeg(size_t(s.n), 0), queue;
  queue.reserve(size_t(s.n));
  for (int i = 0; i < s.n; ++i) indeg[size_t(i)] = int(s.node(i).preds.size());
  for (int i = 0; i < s.n; ++i)
    if (indeg[size_t(i)] == 0) queue.push_back(i);
  for (size_t q = 0; q < queue.size(); ++q) {
    int v = queue[q];
    for (int w : s.node(v).succs) {
      s.node(w).layer = std::max(s.node(w).layer, s.node(v).layer + 1);
      if (--indeg[size_t(w)] == 0) queue.push_back(w);
    }
  }
  s.maxLayer = 0;
  for (auto& v : s.nodes) s.maxLayer = std::max(s.maxLayer, v.layer);
}

// Graph outputs go to the rightmost column; sources other than graph inputs (constants) move
// right to just before their first consumer, next to where they are used.
void placeOutputsAndConstants(LayoutState& s) {
  for (int i = 0; i < s.n; ++i) {
    const std::string& op = s.op(i);
    LNode& v = s.node(i);
    if (op == "Output") {
      v.layer = s.maxLayer;
    } else if (v.preds.empty() && !v.succs.empty() && op != "Input") {
      int first = s.maxLayer;
      for (int w : v.succs) first = std::min(first, s.node(w).layer);
      v.layer = std::max(v.layer, first - 1);
    }
  }
  if (s.g.size() == 0 || s.g.outputNodes().empty()) return;
  // An Output may now share a layer with its producer when the producer sits in the last
  // layer too; give outputs a column of their own in that case.
  bool clash = false;
  for (int i = 0; i < s.n; ++i)
    if (s.op(i) != "Output" && s.node(i).layer == s.maxLayer && !s.node(i).succs.empty())
      clash = true;
  if (clash) {
    ++s.maxLayer;
    for (int i = 0; i < s.n; ++i)
      if (s.op(i) == "Output") s.node(i).layer = s.maxLayer;
  }
}

// Splits edges spanning several layers with virtual nodes so ordering sees the whole route,
// and lists each layer's nodes.
void addVirtualNodes(LayoutState& s) {
  for (auto& v : s.nodes) v.succs.clear(), v.preds.clear();
  for (auto [a, b] : s.edges) {
    int prev = a;
    for (int l = s.node(a).layer + 1; l < s.node(b).layer; ++l) {
      LNode d;
      d.layer = l;
      s.nodes.push_back(d);
      int di = int(s.nodes.size()) - 1;
      s.node(prev).succs.push_back(di);
      s.node(di).preds.push_back(prev);
      prev = di;
    }
    s.node(prev).succs.push_back(b);
    s.node(b).preds.push_back(prev);
  }
  s.layers.assign(size_t(s.maxLayer) + 1, {});
  for (int i = 0; i < int(s.nodes.size()); ++i) s.layers[size_t(s.node(i).layer)].push_back(i);
}

void renumber(LayoutState& s, const std::vector<int>& layer) {
  for (size_t k = 0; k < layer.size(); ++k) s.node(layer[k]).order = double(k);
}

// One barycentre sweep: orders each layer by the mean position of its neighbours in the layer
// just fixed; nodes without such neighbours keep their place.
void barycentreSweep(LayoutState& s, bool down) {
  for (size_t li = 1; li < s.layers.size(); ++li) {
    std::vector<int>& layer = s.layers[down ? li : s.layers.size() - 1 - li];
    std::vector<std::pair<double, int>> keyed;
    keyed.reserve(layer.size());
    for (int v : layer) {
      const auto& nb = down ? s.node(v).preds : s.node(v).succs;
      double key = s.node(v).order;
      if (!nb.empty()) {
        double sum = 0;
        for (int u : nb) sum += s.node(u).order;
        key = sum / double(nb.size());
      }
      keyed.push_back({key, v});
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < layer.size(); ++k) layer[k] = keyed[k].second;
    renumber(s, layer);
  }
}

void orderLayers(LayoutState& s) {
  for (auto& l : s.layers) renumber(s, l);
  for (int i = 0; i < s.opt.sweeps; ++i) {
    barycentreSweep(s, true);
    barycentreSweep(s, false);
  }
}

// Each layer stacked from the top in order, centred on y = 0. A node's extent is the room it
// takes below its top; edges' virtual nodes take a quarter slot.
void stackLayers(LayoutState& s) {
  const LayoutOptions& opt = s.opt;
  const double virtualGap = opt.nodeSpacing * 0.25;
  s.extent.assign(s.nodes.size(), 0.0);
  for (int v = 0; v < int(s.nodes.size()); ++v)
    s.extent[size_t(v)] = v >= s.n         ? virtualGap
                          : opt.nodeHeight ? opt.nodeHeight(s.ids[size_t(v)]) + opt.verticalGap
                                           : opt.nodeSpacing;
  for (auto& layer : s.layers) {
    double y = 0;
    for (int v : layer) {
      s.node(v).y = y;
      y += s.extent[size_t(v)];
    }
    double shift = y / 2;
    for (int v : layer) s.node(v).y -= shift;
  }
}

// Pulls the nodes of one layer to the mean y of their predecessors (or successors), keeping
// their order and minimum separation.
void pullLayer(LayoutState& s, const std::vector<int>& layer, bool usePreds) {
  if (layer.empty()) return;
  std::vector<double> want(layer.size());
  for (size_t k = 0; k < layer.size(); ++k) {
    const LNode& v = s.node(layer[k]);
    const auto& nb = usePreds ? v.preds : v.succs;
    if (nb.empty()) {
      want[k] = v.y;
      continue;
    }
    double sum = 0;
    for (int u : nb) sum += s.node(u).y;
    want[k] = sum / double(nb.size());
  }
  // Forward pass enforcing minimum separation, then a backward pass balancing the push.
  std::vector<double> y(want);
  for (size_t k = 1; k < y.size(); ++k) {
    double minSep = s.extent[size_t(layer[k - 1])];
    y[k] = std::max(y[k], y[k - 1] + minSep);
  }
  // Shift the block so that its mean displacement from `want` is zero.
  double d = 0;
  for (size_t k = 0; k < y.size(); ++k) d += y[k] - want[k];
  d /= double(y.size());
  for (size_t k = 0; k < layer.size(); ++k) s.node(layer[k]).y = y[k] - d;
}

// Vertical placement: start stacked, then alternately pull nodes to the mean y of their
// neighbours and resolve overlaps in order (keeps chains straight).
void placeVertically(LayoutState& s) {
  stackLayers(s);
  for (int it = 0; it < 3; ++it) {
    for (size_t li = 1; li < s.layers.size(); ++li) pullLayer(s, s.layers[li], true);
    for (size_t li = s.layers.size() - 1; li-- > 0;) pullLayer(s, s.layers[li], false);
  }
}

// The real nodes' positions, the topmost at originY.
std::vector<NodePosition> positions(const LayoutState& s) {
  double minY = 0;
  bool first = true;
  for (int i = 0; i < s.n; ++i)
    if (first || s.node(i).y < minY) minY = s.node(i).y, first = false;
  std::vector<NodePosition> out;
  out.reserve(size_t(s.n));
  for (int i = 0; i < s.n; ++i) {
    const LNode& v = s.node(i);
    out.push_back({s.ids[size_t(i)], s.opt.originX + v.layer * s.opt.layerSpacing,
                   s.opt.originY + v.y - minY, v.layer});
  }
  return out;
}

}  // namespace

std::vector<NodePosition> layeredLayout(const Graph& g, const LayoutOptions& opt) {
  LayoutState s(g, opt);
  collectEdges(s);
  longestPathLayers(s);
  placeOutputsAndConstants(s);
  addVirtualNodes(s);
  orderLayers(s);
  placeVertically(s);
  return positions(s);
}

}  // namespace nc
