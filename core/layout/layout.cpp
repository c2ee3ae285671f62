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

}  // namespace

std::vector<NodePosition> layeredLayout(const Graph& g, const LayoutOptions& opt) {
  std::vector<NodeId> ids = g.nodeIds();
  const int n = int(ids.size());
  std::unordered_map<NodeId, int> index;
  index.reserve(size_t(n) * 2);
  for (int i = 0; i < n; ++i) index[ids[size_t(i)]] = i;

  std::vector<LNode> nodes(static_cast<size_t>(n));
  std::vector<std::pair<int, int>> edges;
  for (const ConnectionId& c : g.connections()) {
    auto a = index.find(c.from.node), b = index.find(c.to.node);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    edges.push_back({a->second, b->second});
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  for (auto [a, b] : edges) {
    nodes[size_t(a)].succs.push_back(b);
    nodes[size_t(b)].preds.push_back(a);
  }

  // Longest-path layering in topological order (Kahn; the graph is a DAG by construction).
  {
    std::vector<int> indeg(size_t(n), 0), queue;
    queue.reserve(size_t(n));
    for (int i = 0; i < n; ++i) indeg[size_t(i)] = int(nodes[size_t(i)].preds.size());
    for (int i = 0; i < n; ++i)
      if (indeg[size_t(i)] == 0) queue.push_back(i);
    for (size_t q = 0; q < queue.size(); ++q) {
      int v = queue[q];
      for (int s : nodes[size_t(v)].succs) {
        nodes[size_t(s)].layer = std::max(nodes[size_t(s)].layer, nodes[size_t(v)].layer + 1);
        if (--indeg[size_t(s)] == 0) queue.push_back(s);
      }
    }
  }
  int maxLayer = 0;
  for (auto& v : nodes) maxLayer = std::max(maxLayer, v.layer);
  // Graph outputs go to the rightmost column; sources other than graph inputs (constants) move
  // right to just before their first consumer, next to where they are used.
  for (int i = 0; i < n; ++i) {
    const Node& nd = g.node(ids[size_t(i)]);
    LNode& v = nodes[size_t(i)];
    if (nd.op == "Output") {
      v.layer = maxLayer;
    } else if (v.preds.empty() && !v.succs.empty() && nd.op != "Input") {
      int first = maxLayer;
      for (int s : v.succs) first = std::min(first, nodes[size_t(s)].layer);
      v.layer = std::max(v.layer, first - 1);
    }
  }
  if (g.size() > 0 && !g.outputNodes().empty()) {
    // An Output may now share a layer with its producer when the producer sits in the last
    // layer too; give outputs a column of their own in that case.
    bool clash = false;
    for (int i = 0; i < n; ++i)
      if (g.node(ids[size_t(i)]).op != "Output" && nodes[size_t(i)].layer == maxLayer &&
          !nodes[size_t(i)].succs.empty())
        clash = true;
    if (clash) {
      ++maxLayer;
      for (int i = 0; i < n; ++i)
        if (g.node(ids[size_t(i)]).op == "Output") nodes[size_t(i)].layer = maxLayer;
    }
  }

  // Split edges spanning several layers with virtual nodes so ordering sees the whole route.
  for (auto& v : nodes) v.succs.clear(), v.preds.clear();
  for (auto [a, b] : edges) {
    int prev = a;
    for (int l = nodes[size_t(a)].layer + 1; l < nodes[size_t(b)].layer; ++l) {
      LNode d;
      d.layer = l;
      nodes.push_back(d);
      int di = int(nodes.size()) - 1;
      nodes[size_t(prev)].succs.push_back(di);
      nodes[size_t(di)].preds.push_back(prev);
      prev = di;
    }
    nodes[size_t(prev)].succs.push_back(b);
    nodes[size_t(b)].preds.push_back(prev);
  }

  std::vector<std::vector<int>> layers(size_t(maxLayer) + 1);
  for (int i = 0; i < int(nodes.size()); ++i) layers[size_t(nodes[size_t(i)].layer)].push_back(i);
  auto renumber = [&](std::vector<int>& layer) {
    for (size_t k = 0; k < layer.size(); ++k) nodes[size_t(layer[k])].order = double(k);
  };
  for (auto& l : layers) renumber(l);

  // Barycentre sweeps: order each layer by the mean position of its neighbours in the layer
  // just fixed; nodes without such neighbours keep their place.
  auto sweep = [&](bool down) {
    for (size_t li = 1; li < layers.size(); ++li) {
      std::vector<int>& layer = layers[down ? li : layers.size() - 1 - li];
      std::vector<std::pair<double, int>> keyed;
      keyed.reserve(layer.size());
      for (int v : layer) {
        const auto& nb = down ? nodes[size_t(v)].preds : nodes[size_t(v)].succs;
        double key = nodes[size_t(v)].order;
        if (!nb.empty()) {
          double s = 0;
          for (int u : nb) s += nodes[size_t(u)].order;
          key = s / double(nb.size());
        }
        keyed.push_back({key, v});
      }
      std::stable_sort(keyed.begin(), keyed.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = 0; k < layer.size(); ++k) layer[k] = keyed[k].second;
      renumber(layer);
    }
  };
  for (int s = 0; s < opt.sweeps; ++s) {
    sweep(true);
    sweep(false);
  }

  // Vertical placement: start stacked, then alternately pull nodes to the mean y of their
  // neighbours and resolve overlaps in order (keeps chains straight).
  // extent: the room a node takes below its top; edges' virtual nodes take a quarter slot.
  const double virtualGap = opt.nodeSpacing * 0.25;
  std::vector<double> extent(nodes.size(), 0.0);
  for (int v = 0; v < int(nodes.size()); ++v)
    extent[size_t(v)] = v >= n           ? virtualGap
                        : opt.nodeHeight ? opt.nodeHeight(ids[size_t(v)]) + opt.verticalGap
                                         : opt.nodeSpacing;
  auto spacingOf = [&](int v) { return extent[size_t(v)]; };
  for (auto& layer : layers) {
    double y = 0;
    for (int v : layer) {
      nodes[size_t(v)].y = y;
      y += spacingOf(v);
    }
    double shift = y / 2;
    for (int v : layer) nodes[size_t(v)].y -= shift;
  }
  auto place = [&](std::vector<int>& layer, bool usePreds) {
    if (layer.empty()) return;
    std::vector<double> want(layer.size());
    for (size_t k = 0; k < layer.size(); ++k) {
      const LNode& v = nodes[size_t(layer[k])];
      const auto& nb = usePreds ? v.preds : v.succs;
      if (nb.empty()) {
        want[k] = v.y;
        continue;
      }
      double s = 0;
      for (int u : nb) s += nodes[size_t(u)].y;
      want[k] = s / double(nb.size());
    }
    // Forward pass enforcing minimum separation, then a backward pass balancing the push.
    std::vector<double> y(want);
    for (size_t k = 1; k < y.size(); ++k) {
      double minSep = spacingOf(layer[k - 1]);
      y[k] = std::max(y[k], y[k - 1] + minSep);
    }
    // Shift the block so that its mean displacement from `want` is zero.
    double d = 0;
    for (size_t k = 0; k < y.size(); ++k) d += y[k] - want[k];
    d /= double(y.size());
    for (size_t k = 0; k < layer.size(); ++k) nodes[size_t(layer[k])].y = y[k] - d;
  };
  for (int it = 0; it < 3; ++it) {
    for (size_t li = 1; li < layers.size(); ++li) place(layers[li], true);
    for (size_t li = layers.size() - 1; li-- > 0;) place(layers[li], false);
  }

  double minY = 0;
  bool first = true;
  for (int i = 0; i < n; ++i)
    if (first || nodes[size_t(i)].y < minY) minY = nodes[size_t(i)].y, first = false;
  std::vector<NodePosition> out;
  out.reserve(size_t(n));
  for (int i = 0; i < n; ++i) {
    const LNode& v = nodes[size_t(i)];
    out.push_back({ids[size_t(i)], opt.originX + v.layer * opt.layerSpacing,
                   opt.originY + v.y - minY, v.layer});
  }
  return out;
}

}  // namespace nc
